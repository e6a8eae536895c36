/**
 * What a pane shows while its first answer is coming: `Loading...`, or, while the context's credential
 * plugin waits for the user to log in (a browser login, a device code), the plugin's prompt — the pane
 * would otherwise say `Loading...` for the minutes the login may take, the prompt only in passing toasts.
 */
export const loadingText = (loginPrompt: string | null): string => (loginPrompt === null ? 'Loading...' : `Waiting for you to log in: ${loginPrompt}`);

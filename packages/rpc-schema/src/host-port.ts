/** `127.0.0.1:80`, `[::1]:80`: an address and port as a URL writes them (an IPv6 address in brackets). */
export const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

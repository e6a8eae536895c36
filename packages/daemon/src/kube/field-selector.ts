/** A value in a field selector, escaped as apimachinery's fields.EscapeValue does (`\\`, `\,`, `\=`). */
export const escapeFieldValue = (v: string): string => v.replace(/[\\,=]/g, (c) => `\\${c}`);

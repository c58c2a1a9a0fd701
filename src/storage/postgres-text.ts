// PostgreSQL's text cannot hold U+0000, which a function may well print (SQLite stores it). One such
// character would make PostgreSQL refuse a whole batch of other functions' rows: it is stored as
// U+FFFD instead, the replacement character, as an invalid byte sequence already is.
export function pgText(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

/**
 * A JavaScript string literal that is safe inside an inline or external script: JSON escapes
 * quotes and backslashes; `<`, `>` and `&` are escaped so `</script>` or `<!--` cannot end or
 * change the script element; U+2028/2029 are escaped because older engines end a line there.
 */
export function jsStringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Lines of a decoded text stream, ended by LF (a CR right before it is dropped): the NDJSON
 * definition of a line. `node:readline` is not one: it also ends lines at a lone CR and, since
 * Node 24, at U+2028 and U+2029 (nodejs/node#57591), which JSON allows raw inside strings, so an
 * event holding one was cut in two rejections.
 *
 * Like readline, a blank line is yielded as `''`, a last line without LF is yielded, and a final
 * LF adds no empty line. Memory is the current line; a line is joined once, whatever the number
 * of chunks it spans (the caller bounds what it accepts, as `MAX_LINE_BYTES` does).
 * @example for await (const line of splitLines(stream.setEncoding('utf8'))) handle(line)
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let pending: string[] = [];
  for await (const chunk of chunks) {
    let start = 0;
    let end = chunk.indexOf('\n');
    while (end !== -1) {
      const piece = chunk.slice(start, end);
      const line = pending.length === 0 ? piece : pending.join('') + piece;
      pending = [];
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.slice(start));
  }
  if (pending.length > 0) yield pending.join('');
}

/**
 * Appends counted conversions to the stream other systems consume (docs/storage.md), trimmed
 * by age and by length.
 *
 * KEYS[1]: the conversion stream. ARGV: 1 oldest entry id kept (ms), 2 most entries kept
 * (approximately), then one JSON conversion row per entry.
 */
export const APPEND_CONVERSION_STREAM_LUA = `
for i = 3, #ARGV do
  redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'conversion', ARGV[i])
end
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
return #ARGV - 2
`;

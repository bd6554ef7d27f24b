/**
 * Pure parser of Windows PING.EXE output: the RTT of each echo reply. The text is localised ("Reply from … time=21ms",
 * "Antwort von … Zeit=21ms", "Réponse de … temps=21 ms"), but every reply line carries "TTL=" and the time as
 * "=<n>ms" or "<1ms"; the statistics block is not read (its words are localised too).
 */
export function parsePingWin(text: string): { samplesMs: number[] } {
  const samplesMs: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/\bTTL=\d+/i.test(line)) continue;
    const m = /[=<]\s*(\d+(?:[.,]\d+)?)\s*ms\b/i.exec(line);
    if (m) samplesMs.push(Number(m[1]!.replace(',', '.')));
  }
  return { samplesMs };
}

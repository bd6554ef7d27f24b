import { peerAddressOf, type ParsedLog } from './parse-common.js';
import { chromotingStamp } from './parse-chromoting-log.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * macOS Screen Sharing / Remote Management (VNC) logons from `log show --style syslog` for screensharingd:
 * "Authentication: SUCCEEDED :: User Name: <local user> :: Viewer Address: <ip> :: Type: <DH|N/A|…>". A failed
 * authentication is no session. The log has no end of session; the viewer address is the peer's.
 */
export function parseScreensharingLog(text: string, source = 'macos:screensharingd', year = new Date().getUTCFullYear()): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (!/screensharingd/.test(raw) || !/Authentication: SUCCEEDED/.test(raw)) continue;
    const at = chromotingStamp(raw, year);
    const viewer = /Viewer Address: ([0-9a-fA-F:.[\]]+)/.exec(raw)?.[1];
    if (!at) {
      skipped += 1;
      continue;
    }
    const address = viewer ? peerAddressOf(viewer) : undefined;
    sessions.push({ tool: 'screen-sharing', direction: 'incoming', start: at, ...(address ? { peerAddress: address } : {}), source });
  }
  return { sessions, skipped };
}

/** Server side of `spawnServer`: reports the URL to the parent and closes the server when told to stop. */
export function announceListening(server: { url: string; close(): Promise<void> }): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('no IPC channel: start this file with spawnServer from @crewship/tooling-bench');
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A parent that dies without stopping us closes the IPC channel; never outlive it.
  process.once('disconnect', close);
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  send({ url: server.url });
}

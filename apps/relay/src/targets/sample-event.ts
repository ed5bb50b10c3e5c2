/**
 * The event `POST /api/targets/:id/test` delivers: a Bandwidth message-received callback with
 * a fresh message id and time, marked in its text and tag so a receiver can tell it from
 * traffic. It is normalized like any event (it passes @bw-relay/schema) but never stored.
 */
export function sampleEvent(now = new Date()): Record<string, unknown> {
  const time = now.toISOString();
  const id = `bw-relay-test-${now.getTime()}-${crypto.randomUUID().slice(0, 8)}`;
  return {
    type: "message-received",
    time,
    description: "Incoming message received",
    to: "+15550000001",
    message: {
      id,
      owner: "+15550000001",
      applicationId: "00000000-0000-4000-8000-000000000000",
      time,
      segmentCount: 1,
      direction: "in",
      to: ["+15550000001"],
      from: "+15550000002",
      text: "bw-relay test delivery",
      tag: "bw-relay-test",
    },
  };
}

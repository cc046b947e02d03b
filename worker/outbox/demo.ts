// The demo platform has no network: "sending" records the delivery locally under a synthetic id,
// so the demo shows replies delivered. Publishing the same item again gives the same id.
import type { OutboxItem, Published, Publisher } from './platforms'

export const demoPublisher: Publisher = {
  async publish(item: OutboxItem): Promise<Published> {
    return { postId: `demo-${item.id}`, url: null }
  },
  async findExisting(): Promise<Published | null> {
    // Nothing left the process, so there is nothing to find; publish is idempotent anyway.
    return null
  },
}

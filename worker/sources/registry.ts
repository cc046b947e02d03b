import { blueskyDriver } from './bluesky'
import { demoDriver } from './demo'
import type { SourceDriver } from './driver'
import { mastodonDriver } from './mastodon'
import type { Platform } from './mention'
import { xDriver } from './x'

// Adding a network: write its driver in this folder and name it here.
const drivers: Record<Platform, SourceDriver> = {
  x: xDriver,
  bluesky: blueskyDriver,
  mastodon: mastodonDriver,
  demo: demoDriver,
}

export function driverFor(platform: Platform): SourceDriver {
  return drivers[platform]
}

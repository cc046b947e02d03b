import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from './env'
import { sessionRoutes } from './auth/session'
import { healthRoutes } from './health/route'
import { sourceRoutes } from './sources/routes'
import { caseRoutes } from './cases/routes'
import { customerRoutes } from './customers/routes'
import { notificationRoutes } from './notify/routes'
import { promiseRoutes } from './promises/routes'
import { userRoutes } from './users/routes'
import { adminRoutes } from './admin/routes'
import { collabRoutes } from './cases/collab-routes'
import { liveRoutes } from './live/routes'
import { templateRoutes } from './templates/routes'
import { wake } from './live/wake'
import { handoffRoutes } from './handoff/routes'
import { satisfactionRoutes } from './satisfaction/routes'
import { trendRoutes } from './trends/routes'
import { alertRoutes } from './trends/alert-routes'
import { sameOriginWrites } from './http/same-origin'
import { problem } from './http/problem'

export interface AppOptions {
  /** Serves the built web app; on Workers the platform does that before the app is reached. */
  assets?: MiddlewareHandler<AppEnv>
}

/** The one Hono app both runtimes serve; each hands it its Services as bindings. */
export function createApp({ assets }: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  if (assets) app.use('*', assets)
  // Cookies are SameSite=Lax already; this also refuses writes a browser says come from elsewhere.
  app.use('/api/*', sameOriginWrites())
  // A write that succeeded may have committed timeline events: live streams in this process read now.
  app.use('/api/*', async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.res.status < 400) wake()
  })
  app.route('/', healthRoutes)
  app.route('/', sessionRoutes)
  app.route('/', userRoutes)
  app.route('/', sourceRoutes)
  app.route('/', caseRoutes)
  app.route('/', customerRoutes)
  app.route('/', promiseRoutes)
  app.route('/', notificationRoutes)
  app.route('/', collabRoutes)
  app.route('/', templateRoutes)
  app.route('/', liveRoutes)
  app.route('/', adminRoutes)
  app.route('/', handoffRoutes)
  app.route('/', satisfactionRoutes)
  app.route('/', alertRoutes)
  app.route('/', trendRoutes)
  app.notFound((c) => problem({ status: 404, title: 'Not Found', detail: `No route for ${c.req.method} ${c.req.path}` }))
  app.onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path} failed:`, error)
    return problem({ status: 500, title: 'Internal Server Error', detail: 'The error was logged on the server.' })
  })
  return app
}

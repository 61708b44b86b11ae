import Vapor

/// Several async middlewares run as one: Vapor starts a new task and bridges through an
/// event-loop future at every `AsyncMiddleware` in its chain, so three of them in a row cost
/// every request two tasks and four future hops more than one. Within the chain each
/// middleware calls the next directly.
struct AsyncMiddlewareChain: AsyncMiddleware {
    let middlewares: [any AsyncMiddleware]

    init(_ middlewares: [any AsyncMiddleware]) {
        self.middlewares = middlewares
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var responder = next
        for middleware in middlewares.reversed() { responder = Link(middleware: middleware, next: responder) }
        return try await responder.respond(to: request)
    }

    private struct Link: AsyncResponder {
        let middleware: any AsyncMiddleware
        let next: any AsyncResponder

        func respond(to request: Request) async throws -> Response {
            try await middleware.respond(to: request, chainingTo: next)
        }
    }
}

@testable import HorizonBroker
import HTTPTypes
import OpenAPIRuntime
import Testing
import Vapor

/// What clients see for failures that are not the broker's own `APIError`s.
@Suite struct APIErrorMappingTests {
    @Test func anExhaustedConnectionPoolIsAnOverloadToRetry() {
        let direct = APIErrorMiddleware.map(ConnectionPoolTimeoutError.connectionRequestTimeout)
        let wrapped = APIErrorMiddleware.map(ServerError(
            operationID: "registerServer", request: HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/api/v1/servers"), requestBody: nil,
            requestMetadata: .init(), causeDescription: "User handler threw an error.",
            underlyingError: ConnectionPoolTimeoutError.connectionRequestTimeout))
        for error in [direct, wrapped] {
            #expect(error.status == HTTPResponseStatus.serviceUnavailable && error.code == "store_busy" && error.retryAfter == 1)
        }
    }

    @Test func anythingElseUnexpectedIsAnInternalError() {
        struct Surprise: Error {}
        #expect(APIErrorMiddleware.map(Surprise()).code == "internal_error")
    }
}

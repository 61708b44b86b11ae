/// The version of the control-plane API that brokers serve and nodes speak.
/// Routes live under `/api/v<major>`; a node refuses a broker with another major version.
public enum APIVersion {
    public static let major = 1
    public static let pathPrefix = "/api/v\(major)"
}

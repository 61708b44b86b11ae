/// The release of this build, shown by `--version` and the broker's health endpoint.
public enum HorizonVersion {
    public static let current = "0.1.0"
}

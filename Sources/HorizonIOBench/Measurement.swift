import Foundation

/// One benchmark line.
struct Measurement {
    let label: String
    let seconds: Double
    /// Payload bytes that reached the receiver.
    let bytes: Int
    let packets: Int
    let syscalls: Int
    /// Process CPU (user + system, all threads, both ends) over the run.
    let cpuSeconds: Double
    let note: String

    var row: String {
        let gbps = Double(bytes) * 8 / seconds / 1e9
        let kpps = Double(packets) / seconds / 1e3
        let cyclesNote = String(format: "%.2f CPU-s/GB", cpuSeconds / max(Double(bytes) / 1e9, 1e-9))
        let name = label.padding(toLength: 34, withPad: " ", startingAt: 0)
        return name + String(format: "%7.2f Gb/s %8.0f kpps %8.0f syscalls/s  ", gbps, kpps, Double(syscalls) / seconds)
            + cyclesNote + "  (" + note + ")"
    }
}

enum CPUTime {
    static func now() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

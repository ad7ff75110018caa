import Foundation

/// The time zone a CronJob's schedule is read in. Without `spec.timeZone` the schedule follows the kube-controller-manager's
/// own zone (Kubernetes API reference, CronJobSpec.timeZone: "If not specified, this will default to the time zone of the
/// kube-controller-manager process"), which is UTC on EKS, whatever the source's was: a nightly backup set for 03:00 in
/// Seoul would run at noon there. `spec.timeZone` takes an IANA time zone name and is GA since Kubernetes 1.27 (KEP-3140,
/// https://github.com/kubernetes/enhancements/tree/master/keps/sig-apps/3140-TimeZone-support-in-CronJob; Kubernetes docs,
/// "CronJob", Time zones: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones).
public enum CronJobTimeZone {
    /// The first version that serves `spec.timeZone` without a feature gate.
    static let generallyAvailable = KubernetesVersion(major: 1, minor: 27)

    public struct Invalid: Error, CustomStringConvertible {
        public var value: String
        public var description: String {
            "--cron-time-zone takes an IANA time zone name such as Asia/Seoul or Europe/Berlin, alone (every cluster) or as CLUSTER=ZONE, not '\(value.visibleLine)'"
        }
    }

    /// Whether `name` is a zone of the IANA database as this system's tzdata knows it (the names the API server's Go
    /// `time.LoadLocation` accepts). `Local` is refused: it is the controller manager's zone, the very thing to avoid.
    static func isIANAName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, name != "Local",
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/_+-".unicodeScalars.contains($0)) }) else { return false }
        return name == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(name)
    }

    /// `ZONE` (every cluster, key `*`) or `CLUSTER=ZONE`, each validated.
    public static func parse(_ values: [String]) throws -> [String: String] {
        var zones: [String: String] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let (cluster, zone) = parts.count == 2 ? (parts[0], parts[1]) : ("*", value)
            guard !cluster.isEmpty, isIANAName(zone) else { throw Invalid(value: value) }
            zones[cluster] = zone
        }
        return zones
    }

    /// The zone decided for `cluster`: its own, else the one for every cluster.
    static func zone(for cluster: String, in zones: [String: String]?) -> String? {
        zones?[cluster] ?? zones?["*"]
    }

    /// A schedule that names its zone the unofficial way (`CRON_TZ=Asia/Seoul 0 3 * * *`), which the API server refuses on
    /// create since Kubernetes 1.29: the zone and the bare schedule.
    static func inlineZone(_ schedule: String) -> (zone: String, schedule: String)? {
        let trimmed = schedule.drop { $0 == " " }
        for prefix in ["CRON_TZ=", "TZ="] where trimmed.hasPrefix(prefix) {
            let rest = trimmed.dropFirst(prefix.count)
            let zone = String(rest.prefix { $0 != " " })
            return (zone, String(rest.dropFirst(zone.count).drop { $0 == " " }))
        }
        return nil
    }
}

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

    /// What convert does with one CronJob's zone: plan and convert read it from here, so that the deploy step knows which
    /// `spec.timeZone` the file it applies must have.
    enum Conversion: Equatable {
        /// The manifest's own IANA zone, kept.
        case kept(String)
        /// A `CRON_TZ=`/`TZ=` zone moved out of the schedule into `spec.timeZone` (the schedule without it).
        case moved(zone: String, schedule: String)
        /// No zone of its own: the cluster's decided one (plan:cron-time-zone).
        case decided(String)
        /// No zone of its own and none decided: on EKS it would run in UTC.
        case undecided
        /// A `spec.timeZone` that is no IANA name (the API server refuses it): fixed by hand.
        case invalidName(String)
        /// A `CRON_TZ=`/`TZ=` zone in the schedule that is no IANA name: fixed by hand.
        case invalidInline(String)
        /// A zone the target cannot take (`spec.timeZone` before 1.27): the schedule is shifted by hand.
        case unsupported(String)

        /// The `spec.timeZone` the converted file has.
        var written: String? {
            switch self {
            case .kept(let zone), .moved(let zone, _), .decided(let zone): return zone
            case .undecided, .invalidName, .invalidInline, .unsupported: return nil
            }
        }
    }

    static func conversion(_ cronJob: ManifestNode, decided: String?, target: KubernetesVersion) -> Conversion {
        if let named = cronJob["spec", "timeZone"]?.string { return isIANAName(named) ? .kept(named) : .invalidName(named) }
        var result = decided.map(Conversion.decided) ?? .undecided
        if let schedule = cronJob["spec", "schedule"]?.string, let inline = inlineZone(schedule) {
            guard isIANAName(inline.zone) else { return .invalidInline(inline.zone) }
            result = .moved(zone: inline.zone, schedule: inline.schedule)
        }
        if let zone = result.written, target < generallyAvailable { return .unsupported(zone) }
        return result
    }

    /// The deploy commands of a converted CronJob (`path`, applied suspended) that must run in `conversion`'s zone. A file
    /// converted before plan:cron-time-zone was answered lacks the zone (the runbook's `test -f … || convert` would apply
    /// it as it is, and EKS would run the schedule in UTC): the file is converted again unless it already names the zone,
    /// and what the API server stored is read back. With no zone decided the deploy refuses: the answer reaches the
    /// commands only through `eksodus plan --cron-time-zone`. Nil where convert leaves the zone to the engineer (a TODO in
    /// the wave's CHANGES.md): the file is applied as it is. The file's zone is read with `kubectl create --dry-run=client`,
    /// which "only print[s] the object that would be sent, without sending it" (kubectl reference, kubectl create,
    /// --dry-run: https://kubernetes.io/docs/reference/kubectl/generated/kubectl_create/): the file as it is, where
    /// `apply --dry-run=client` would print an existing object instead (kubernetes/kubernetes#72644).
    static func deployCommands(_ conversion: Conversion, path: String, namespace: String, name: String, cluster: String, wave: Int) -> [String]? {
        let file = ShellQuote.word(path)
        let convert = "eksodus convert --cluster \(ShellQuote.word(cluster)) --wave \(wave) --out converted"
        let ref = ShellQuote.word("cronjob/" + name)
        let eks = "kubectl --context \"$EKS_CONTEXT\""
        switch conversion {
        case .invalidName, .invalidInline, .unsupported:
            return nil
        case .undecided:
            let message = "no time zone is decided for the CronJobs of \(cluster) in this plan, so \(namespace)/\(name) would run in UTC on EKS: "
                + "answer plan:cron-time-zone:\(cluster) with eksodus plan ... --cron-time-zone \(cluster)=ZONE (UTC if the source ran in UTC), then convert again"
            return ["{ echo \(ShellQuote.word(message)) >&2; false; }"]
        case .kept(let zone), .moved(let zone, _), .decided(let zone):
            let expected = ShellQuote.word(zone)
            return [
                "{ test -f \(file) && FILE_ZONE=$(\(eks) create --dry-run=client -f \(file) -o jsonpath='{.spec.timeZone}') && test \"$FILE_ZONE\" = \(expected); } || \(convert)"
                    + "  # a file converted before plan:cron-time-zone:\(cluster) was answered lacks spec.timeZone \(zone): convert again",
                "\(eks) apply -f \(file)  # suspended: spec.suspend is true in the converted file",
                "{ ZONE=$(\(eks) -n \(ShellQuote.word(namespace)) get \(ref) -o jsonpath='{.spec.timeZone}') && test \"$ZONE\" = \(expected); } || { echo "
                    + ShellQuote.word("cronjob \(namespace)/\(name) on EKS does not run in \(zone) (spec.timeZone differs or could not be read): convert its wave again after the decision and apply it") + " >&2; false; }",
            ]
        }
    }
}

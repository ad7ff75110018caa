/// The soak before a source workload is scaled down: DNS at 100% on EKS does not mean nothing calls the source any more.
/// Resolvers keep an answer for its TTL, and clients that cache it past that (the JVM's `networkaddress.cache.ttl`,
/// connection-pooling proxies, long-lived keep-alive or gRPC connections) go on calling the old address for minutes.
/// So the scale-down's first run notes when the soak started (a file beside the runbook, written once: a re-run keeps
/// it), and the step fails until `SOAK_SECONDS` (a whole number; 900 unless set) have passed since, and never less than
/// 5 minutes nor twice the records' original TTL (the `.dns-record.json` files the TTL step saved, when present: Route 53
/// lets resolvers keep an answer for its TTL, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html#rrsets-values-basic-ttl).
/// Failing (not sleeping) keeps the step re-runnable: the operator re-runs it once the wait it prints is over.
struct SourceSoak {
    var workload: Estate.Workload
    var cluster: String
    /// The record files of the DNS names in front of it (its own switch's, and each Ingress host's): maybe absent.
    var records: [String]
    /// The Services in front of it, `namespace-name`: in ingress-nginx's default access log, `[$proxy_upstream_name]` names
    /// the upstream by namespace, Service and port ("upstream-<namespace>-<service name>-<service port>", Log format,
    /// https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/log-format/; logged without the
    /// `upstream-`), so the check greps the fixed `namespace-name-`, which both spellings hold.
    var upstreams: [String]

    static let defaultSeconds = 900
    static let floorSeconds = 300

    var startedFile: String {
        ShellQuote.fileName([cluster, workload.namespace, workload.kind.lowercased(), workload.name], suffix: ".soak-started-at")
    }

    var commands: [String] {
        let file = ShellQuote.word(startedFile)
        var commands = [
            "# soak: nothing may still call the source copy (cached DNS answers, pinned JVM or proxy connections); the first run notes when it started:",
            "test -s \(file) || date -u +%s > \(file)  " + ShellQuote.comment("soak started (kept on a re-run)"),
            "SOAK=${SOAK_SECONDS:-\(Self.defaultSeconds)}; case \"$SOAK\" in ''|*[!0-9]*) echo 'SOAK_SECONDS must be a whole number of seconds: nothing is scaled' >&2; false ;; esac; SOAK=$(( 10#$SOAK ))",
            "if [ \"$SOAK\" -lt \(Self.floorSeconds) ]; then echo 'SOAK_SECONDS under \(Self.floorSeconds) s: the soak lasts \(Self.floorSeconds) s' >&2; SOAK=\(Self.floorSeconds); fi",
        ]
        let records = Array(Set(self.records)).sorted()
        if !records.isEmpty {
            commands.append("SOAK_RECORDS=(" + records.map(ShellQuote.word).joined(separator: " ") + "); for RECORD in \"${SOAK_RECORDS[@]}\"; do if test -s \"$RECORD\"; then "
                + "TTL=$(jq -r '[.[].TTL | numbers] | max // 0' \"$RECORD\") || { echo \"$RECORD is not a record file: nothing is scaled\" >&2; false; }; "
                + "if [ \"$(( TTL * 2 ))\" -gt \"$SOAK\" ]; then SOAK=$(( TTL * 2 )); fi; fi; done  # twice the original TTL, when that is longer")
        }
        commands.append("STARTED=$(cat \(file)); case \"$STARTED\" in ''|*[!0-9]*) echo " + ShellQuote.word("\(startedFile) holds no time: delete it and re-run") + " >&2; false ;; esac; "
            + "LEFT=$(( STARTED + SOAK - $(date -u +%s) )); if [ \"$LEFT\" -gt 0 ]; then echo \"soak of $SOAK s since $(date -u -d \"@$STARTED\" +%FT%TZ): $LEFT s left, nothing is scaled; re-run this step then\" >&2; false; fi")
        if !upstreams.isEmpty {
            let nginx = Kubectl.source("ingress-nginx")("logs deploy/ingress-nginx-controller --since=\"${SOAK}s\" --all-containers")
            commands.append("# manual check (where the source routes it through ingress-nginx; its namespace and Deployment may be named otherwise): no request reached it during the soak; no output means none:")
            for upstream in upstreams {
                commands.append(ShellQuote.comment("  " + nginx + " | grep -F -- " + ShellQuote.word(upstream + "-")))
            }
        }
        return commands
    }
}

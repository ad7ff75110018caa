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

    /// `eksodus_soak STARTED_FILE [RECORD_FILE...]`, in the runbook library: fails until the soak is over. The first run
    /// writes the time to STARTED_FILE (a re-run keeps it); the soak lasts `SOAK_SECONDS` (a whole number, `defaultSeconds`
    /// unless set, never under `floorSeconds`) or twice the longest original TTL of the record files present, whichever is
    /// longer. It leaves the soak's length in `SOAK` for the manual log check.
    static let library = """
        # eksodus_soak STARTED_FILE [RECORD_FILE...]: fails until the soak before a scale-down is over (SOAK_SECONDS, \(defaultSeconds) unless set,
        # never under \(floorSeconds) s, nor under twice the longest original TTL of the record files present), counted from the first run's
        # time in STARTED_FILE (a re-run keeps it; the rollback removes it), or from a name's switch to 100 % when that came later
        # (its .share-at file). Leaves the soak's length in SOAK.
        eksodus_soak() {
          local file=$1 record ttl started left share at
          shift
          test -s "$file" || date -u +%s > "$file" || return 1
          SOAK=${SOAK_SECONDS:-\(defaultSeconds)}
          case "$SOAK" in ''|*[!0-9]*) echo 'SOAK_SECONDS must be a whole number of seconds: nothing is scaled' >&2; return 1 ;; esac
          SOAK=$(( 10#$SOAK ))
          if [ "$SOAK" -lt \(floorSeconds) ]; then echo 'SOAK_SECONDS under \(floorSeconds) s: the soak lasts \(floorSeconds) s' >&2; SOAK=\(floorSeconds); fi
          started=$(cat "$file")
          case "$started" in ''|*[!0-9]*) echo "$file holds no time: delete it and re-run" >&2; return 1 ;; esac
          for record in "$@"; do
            # The soak counts from the name's switch to 100 % when that came later (a switch rolled back and made again).
            if read -r share at 2>/dev/null < "${record%.dns-record.json}.share-at" && [ "$share" = 100 ] && [[ "$at" =~ ^[0-9]+$ ]] && [ "$at" -gt "$started" ]; then started=$at; fi
            test -s "$record" || continue
            ttl=$(jq -r '[.[].TTL | numbers] | max // 0' "$record") || { echo "$record is not a record file: nothing is scaled" >&2; return 1; }
            case "$ttl" in ''|*[!0-9]*) echo "$record holds a TTL that is no whole number ($ttl): nothing is scaled" >&2; return 1 ;; esac
            if [ "$(( ttl * 2 ))" -gt "$SOAK" ]; then SOAK=$(( ttl * 2 )); fi
          done
          left=$(( started + SOAK - $(date -u +%s) ))
          if [ "$left" -gt 0 ]; then echo "soak of $SOAK s since $(date -u -d "@$started" +%FT%TZ): $left s left, nothing is scaled; re-run this step then" >&2; return 1; fi
        }

        # eksodus_nginx_seen UPSTREAM...: a manual check after the soak, where the source routes the workload through
        # ingress-nginx: prints the controller's log lines of the soak (SOAK, or SOAK_SECONDS, \(defaultSeconds) unless set) that
        # name an UPSTREAM (NAMESPACE-SERVICE, as its access log's [$proxy_upstream_name] gives it, followed by -PORT), or
        # says none did. The controller is INGRESS_NGINX_NAMESPACE/INGRESS_NGINX_DEPLOYMENT on the source (ingress-nginx and
        # ingress-nginx-controller unless set: it may be named otherwise). Fails when the log is not read; changes nothing.
        eksodus_nginx_seen() {
          local log upstream
          local -a patterns=()
          for upstream in "$@"; do patterns+=(-e "$upstream-"); done
          [ "${#patterns[@]}" -gt 0 ] || { echo 'no upstream to look for' >&2; return 1; }
          log=$(mktemp) || return 1
          if ! kubectl --context "$SOURCE_CONTEXT" -n "${INGRESS_NGINX_NAMESPACE:-ingress-nginx}" logs "deploy/${INGRESS_NGINX_DEPLOYMENT:-ingress-nginx-controller}" \\
              --since="${SOAK:-${SOAK_SECONDS:-\(defaultSeconds)}}s" --all-containers > "$log"; then
            rm -f "$log"
            echo 'the source ingress-nginx log was not read: set INGRESS_NGINX_NAMESPACE and INGRESS_NGINX_DEPLOYMENT to its controller' >&2
            return 1
          fi
          grep -F "${patterns[@]}" "$log" || echo "no request reached $* through ingress-nginx during the soak"
          rm -f "$log"
        }

        """

    var commands: [String] {
        let records = Array(Set(self.records)).sorted()
        var commands = [
            RunbookLibrary.load,
            "# soak: nothing may still call the source copy; the first run notes when it started",
            "eksodus_soak " + ([startedFile] + records).map(ShellQuote.word).joined(separator: " "),
        ]
        if !upstreams.isEmpty {
            // A comment: the controller may be named otherwise, and a request seen is the operator's call.
            commands.append(ShellQuote.comment("manual check, where ingress-nginx routes it on the source: eksodus_nginx_seen " + upstreams.map(ShellQuote.word).joined(separator: " ")))
        }
        return commands
    }
}

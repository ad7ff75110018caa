/// Days ahead of a switch: a name's record goes down to a 60 s TTL, so that at the switch no resolver still holds the old
/// answer for longer than a minute (an alias record has no TTL to lower: Route 53 answers it with its target's, 60 s for a
/// load balancer, and the lowering leaves it as it is). The step is one call of `eksodus_dns_lower` (runbook library), with
/// the name, the record file and the source Ingresses or Services the name must point at as arguments.
///
/// The record as it was is saved in the record file once, by the first run that reads a switchable record, and never
/// overwritten: a run whose UPSERT went through but whose wait failed leaves the low TTL in Route 53, and a re-run that
/// saved the live record again would keep 60 s as the "old" TTL (the switch would wait a minute while resolvers hold the
/// original hour, and the rollback would "restore" 60). Every run reads the live record into `TrafficCommands.liveRecord`
/// and stops when it is another record than the saved one (apart from the TTL); a record that does not point at the source
/// is never saved. The time the low TTL was in sync goes to the `.ttl-lowered-at` file beside the record only after the wait succeeds, and
/// an earlier time there stays (the low TTL served since then); the rollback removes it first, so that a later lowering
/// starts the wait again.
///
/// Before any change the live record must point at the source's own load balancer (the frontends' addresses read from the
/// source cluster): an Ingress of any namespace may list any host.
enum DNSLowering {
    static let library = """
        # eksodus_dns_live NAME LIVE_FILE: NAME's A, AAAA and CNAME records as Route 53 holds them now (a JSON array), into LIVE_FILE.
        eksodus_dns_live() {
          aws route53 list-resource-record-sets --hosted-zone-id "$HOSTED_ZONE_ID" --start-record-name "$1" --max-items 20 --output json \\
            | jq --arg name "$1" \(ShellQuote.word(TrafficCommands.normDef + "[.ResourceRecordSets[] | select((.Name | norm) == ($name | norm) and (.Type == \"A\" or .Type == \"AAAA\" or .Type == \"CNAME\"))]")) > "$2"
        }

        # eksodus_dns_apply RECORD_FILE PROGRAM [JQ_ARGUMENTS...]: the change batch jq's PROGRAM makes of RECORD_FILE, sent, then
        # waited for until Route 53 reports it INSYNC. A jq failure (no file, no record), a refused batch or a change that never
        # syncs fails it.
        eksodus_dns_apply() {
          local record=$1 program=$2 batch change
          shift 2
          batch=$(jq -c "$@" "$program" "$record") \\
            && change=$(aws route53 change-resource-record-sets --hosted-zone-id "$HOSTED_ZONE_ID" --change-batch "$batch" --query ChangeInfo.Id --output text) \\
            && test -n "$change" && aws route53 wait resource-record-sets-changed --id "$change"
        }

        # eksodus_points_at_source LIVE_FILE NAME WHAT NAMESPACE RESOURCE [NAMESPACE RESOURCE]...: fails unless the record in
        # LIVE_FILE (the plain record, or the pair's `source` one) points at the source cluster's own load balancer of the
        # RESOURCEs (ingress/NAME or service/NAME): an alias's DNSName, a CNAME's target, or every A value among their
        # status addresses. WHAT names them in messages. SWITCH_FOREIGN_RECORD=NAME (this name, not "yes": an export must not pass every
        # later name) passes it, for a record that points at the
        # source through a name or an address of its own (a CNAME to a load balancer alias the cluster does not report).
        eksodus_points_at_source() {
          local live=$1 name=$2 what=$3 src="" complete=yes addresses shown
          shift 3
          if [ -n "$name" ] && [ "${SWITCH_FOREIGN_RECORD:-}" = "$name" ]; then echo "SWITCH_FOREIGN_RECORD=$name: not checking that $name points at $what on the source" >&2; return 0; fi
          if [ "$#" -lt 2 ]; then echo "$name: no source Ingress or Service to compare the record with" >&2; return 1; fi
          while [ "$#" -ge 2 ]; do
            addresses=$(kubectl --context "$SOURCE_CONTEXT" -n "$1" get "$2" -o jsonpath='{range .status.loadBalancer.ingress[*]}{.ip}{"\\n"}{.hostname}{"\\n"}{end}') || complete=no
            src+="$addresses"$'\\n'
            shift 2
          done
          if [ "$complete" != yes ] || ! jq -en --arg src "$src" \(ShellQuote.word(TrafficCommands.pointsAt)) "$live" >/dev/null; then
            shown=$(printf '%s' "$src" | grep -v '^$' | tr '\\n' ' ')
            echo "$name: the record in Route 53 ($live) does not point at the source load balancer of $what, whose addresses are: ${shown:-none read (is SOURCE_CONTEXT set?)} - it may be another team's name that only an Ingress lists: stop. If it is this name behind the source all the same (a CNAME to a name of the load balancer), run again with SWITCH_FOREIGN_RECORD=$name (that name only)" >&2
            return 1
          fi
        }

        # eksodus_dns_switchable FILE: prints why the record in FILE (a listing of one name) is no name a switch can move, and
        # fails when it cannot be read; prints nothing for one plain or alias A or CNAME record without a routing policy.
        eksodus_dns_switchable() {
          jq -rn --arg zone "${HOSTED_ZONE_ID##*/}" \(ShellQuote.word("input | " + TrafficCommands.unswitchable)) "$1"
        }

        # eksodus_dns_lower NAME RECORD_FILE WHAT [NAMESPACE RESOURCE]...: NAME's record down to a \(TrafficCommands.lowTTL) s TTL (an alias stays as
        # it is), once it points at the source's load balancer of the RESOURCEs (none given: checked by hand, the step says so).
        # The record as it was is saved in RECORD_FILE by the first run and kept; the time the low TTL was in sync, in the
        # .ttl-lowered-at file beside it (an earlier time stays).
        eksodus_dns_lower() {
          local name=$1 record=$2 what=$3 base live stamp why
          shift 3
          base=${record%.dns-record.json}; live=$base.dns-live.json; stamp=$base.ttl-lowered-at
          eksodus_dns_live "$name" "$live" || { echo "$live: the name's records were not read from Route 53" >&2; return 1; }
          if ! why=$(eksodus_dns_switchable "$live") || test -n "$why"; then echo "$live: ${why:-not read}: switch this name by hand" >&2; return 1; fi
          if [ "$#" -gt 0 ]; then eksodus_points_at_source "$live" "$name" "$what" "$@" || return 1; fi
          if test -s "$record" && why=$(eksodus_dns_switchable "$record") && test -z "$why"; then
            jq -en --slurpfile live "$live" \(ShellQuote.word(TrafficCommands.coreDef + "(input | core) == ($live[0] | core)")) "$record" >/dev/null \\
              || { echo "$record holds another record than Route 53 now ($live): if that change is meant, delete $record and $stamp and run this step again" >&2; return 1; }
          else
            cp "$live" "$record" || return 1
          fi
          # Served above the low TTL again (put back by hand, Terraform or external-dns): the wait starts anew.
          if jq -e '.[0] | .AliasTarget == null and (.TTL // 0) > \(TrafficCommands.lowTTL)' "$live" >/dev/null; then rm -f "$stamp"; fi
          eksodus_dns_apply "$record" \(ShellQuote.word(TrafficCommands.lowered)) || return 1
          test -s "$stamp" || date -u +%s > "$stamp"
        }

        # eksodus_dns_restore RECORD_FILE: the record saved there back (its old TTL); the lowering's time goes first, so that a
        # later lowering waits again.
        eksodus_dns_restore() {
          rm -f "${1%.dns-record.json}.ttl-lowered-at" && eksodus_dns_apply "$1" \(ShellQuote.word(TrafficCommands.restored))
        }

        """

    /// The lowering of `host` (nil: the `$DNS_NAME` the engineer sets; otherwise a name `Exposure` checked with
    /// `NetworkPlan.isIngressHost`) whose record file is `record`, checked against `frontends` on the source.
    static func commands(host: String?, record: String, frontends: [(kind: String, namespace: String, name: String)], notes: [String] = []) -> (commands: [String], rollback: [String]) {
        let name = host.map(ShellQuote.word) ?? "\"$DNS_NAME\""
        let what = frontends.map { ($0.kind == "service" ? "Service " : "Ingress ") + "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
        let pairs = frontends.flatMap { [ShellQuote.word($0.namespace), ShellQuote.word("\($0.kind)/\($0.name)")] }
        let check = frontends.isEmpty
            ? ["# decision: no source Ingress or Service to compare the record with: check by hand that \(TrafficCommands.liveRecord(record: record)) points at the source cluster before you go on"]
            : []
        return (notes + check + [
            RunbookLibrary.load,
            "# the record must point at the source; saved once (its old TTL) for the switch and both rollbacks, then a \(TrafficCommands.lowTTL) s TTL",
            (["eksodus_dns_lower", name, ShellQuote.word(record), ShellQuote.word(what.isEmpty ? "the source" : what)] + pairs).joined(separator: " "),
        ], [RunbookLibrary.load, "eksodus_dns_restore " + ShellQuote.word(record)])
    }
}

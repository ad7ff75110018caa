/// The traffic switch's part of the runbook library: a switch step is a few calls whose arguments are its names, and every
/// gate lives here once (on the bench estate each switch had carried 8.9 KB of the same function text and gates).
///
/// Each share is idempotent, so a step interrupted anywhere (a failed gate at 50 %, a laptop that slept) is run again from
/// its top and continues where it stopped: every call reads the pair Route 53 holds first. A share Route 53 already holds
/// or has passed is skipped, said so, and read back; the pair is created only where the plain record still stands. Route
/// 53 refuses a CREATE of a record set that exists ("InvalidChangeBatch ... already exists", ChangeResourceRecordSets:
/// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html), which is what a second
/// run of the old step hit.
///
/// Between shares an expert holds and watches the EKS side before giving it more (Route 53 Developer Guide, "Weighted
/// routing": "You can gradually change the balance by changing the weights",
/// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html; AWS whitepaper "Blue/Green
/// Deployments on AWS", DNS routing with Route 53 weighted records, shifting traffic in increments while monitoring:
/// https://docs.aws.amazon.com/whitepapers/latest/blue-green-deployments/update-dns-routing-with-amazon-route-53.html).
/// The hold never sleeps the operator's shell: when a share took effect goes into the name's `.share-at` file (beside its
/// record file, like `.ttl-lowered-at`), and the next share fails, with the time left, until `HOLD_SECONDS` have passed;
/// the operator runs the step again. What to watch meanwhile: the 5xx count and response time of the EKS load balancer's
/// target groups (`HTTPCode_Target_5XX_Count`, `TargetResponseTime`, dimensions TargetGroup and LoadBalancer:
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
enum TrafficSwitch {
    /// The shortest hold: resolvers keep the previous share's answer up to the low TTL, so a shorter hold would watch
    /// clients that have not all moved yet; twice the TTL leaves one TTL of traffic at the new share to watch.
    static let minimumHold = 2 * TrafficCommands.lowTTL
    static let defaultHold = 300

    /// The name's records of the record file's type, source first: `[]`, the plain record, or the pair.
    static let setsProgram = TrafficCommands.normDef
        + "input | [.ResourceRecordSets[] | select((.Name | norm) == ($name | norm) and .Type == $type)] | sort_by(.SetIdentifier != \"source\")"

    /// `plain`, `pair EKS SOURCE` (the weights), or why the sets are neither.
    static let stateProgram = "$sets | if length == 1 and .[0].SetIdentifier == null then \"plain\""
        + " elif length == 2 and ([.[].SetIdentifier] | sort) == [\"eks\", \"source\"] then \"pair \\(.[1].Weight) \\(.[0].Weight)\""
        + " else \"Route 53 holds neither the plain record nor the source/eks weighted pair of that name (\\(length) record sets: \\([.[] | .SetIdentifier // \"plain\"] | join(\", \"))): changed by hand? stop\" end"

    /// The plain record Route 53 holds is the one saved in the record file (apart from the TTL).
    static let savedProgram = TrafficCommands.coreDef + "($sets | core) == (input | core)"

    /// The read-back: the pair at `$share` % to EKS, whose `eks` value (alias DNSName or CNAME value, any case, with or
    /// without the final dot) is the load balancer `$lb`.
    static let checkProgram = TrafficCommands.normDef + "[$sets[] | select(.SetIdentifier == \"eks\")] as $eks | [$sets[] | select(.SetIdentifier == \"source\")] as $source"
        + " | ($sets | length) == 2 and ($lb | length) > 0 and ($eks | length) == 1 and ($source | length) == 1 and $eks[0].Weight == $share and $source[0].Weight == 100 - $share"
        // `lb`, as `TrafficCommands.pointsAt` reads it: Route 53 aliases to an ELB may carry a `dualstack.` prefix (the console adds it).
        + " and (($eks[0].AliasTarget.DNSName // $eks[0].ResourceRecords[0].Value // \"\") | norm | ltrimstr(\"dualstack.\")) == ($lb | norm | ltrimstr(\"dualstack.\"))"

    /// The plain record of the file (at the low TTL) becomes the pair at 0 % in one batch, which Route 53 applies as a whole.
    static let pairProgram = TrafficCommands.weightedRecord
        + "{Changes: [{Action: \"DELETE\", ResourceRecordSet: (.[0] | low)}, {Action: \"CREATE\", ResourceRecordSet: rec(\"source\"; 100)}, {Action: \"CREATE\", ResourceRecordSet: rec(\"eks\"; 0)}]}"

    /// The pair as Route 53 holds it, at `$share` % to EKS: only the weights change (a rollback in a shell of its own never
    /// needs the EKS load balancer's name or zone).
    static let weightsProgram = "{Changes: [$sets[] | {Action: \"UPSERT\", ResourceRecordSet: (.Weight = (if .SetIdentifier == \"eks\" then $share else 100 - $share end))}]}"

    /// The pair goes exactly as Route 53 holds it, and the plain record of the file returns at the low TTL, in one batch.
    static let unpairProgram = TrafficCommands.lowDef + "{Changes: ([$sets[] | {Action: \"DELETE\", ResourceRecordSet: .}] + [{Action: \"CREATE\", ResourceRecordSet: (.[0] | low)}])}"

    static let library = """
        # eksodus_dns_sets RECORD_FILE: the records of the name and type of RECORD_FILE as Route 53 holds them now (a JSON
        # array, source first); fails when Route 53 is not read.
        eksodus_dns_sets() {
          local name type
          name=$(jq -r '.[0].Name' "$1") && type=$(jq -r '.[0].Type' "$1") || return 1
          aws route53 list-resource-record-sets --hosted-zone-id "$HOSTED_ZONE_ID" --start-record-name "$name" --start-record-type "$type" --max-items 10 --output json \\
            | jq -cn --arg name "$name" --arg type "$type" \(ShellQuote.word(setsProgram))
        }

        # eksodus_dns_state SETS: plain, or pair EKS_WEIGHT SOURCE_WEIGHT; fails, saying why, on anything else.
        eksodus_dns_state() {
          local state
          state=$(jq -rn --argjson sets "$1" \(ShellQuote.word(stateProgram))) || return 1
          case $state in
            plain|pair\\ *) echo "$state" ;;
            *) echo "$state" >&2; return 1 ;;
          esac
        }

        # eksodus_dns_check RECORD_FILE SHARE LB: fails unless Route 53 holds the weighted pair at SHARE % to EKS, its eks
        # record pointing at the load balancer LB (a change that went through proves only that Route 53 took a batch).
        eksodus_dns_check() {
          local sets
          if ! sets=$(eksodus_dns_sets "$1") || ! jq -en --argjson sets "$sets" --arg lb "$3" --argjson share "$2" \(ShellQuote.word(checkProgram)) >/dev/null; then
            echo "$1: Route 53 does not hold the weighted pair at $2% to EKS pointing at the EKS load balancer (${3:-none}): stop, and roll back" >&2
            return 1
          fi
        }

        # eksodus_dns_ttl_passed RECORD_FILE: one old TTL (the saved record's, \(TrafficCommands.aliasTTL) s for an alias) has passed since the
        # lowering noted its time beside RECORD_FILE.
        eksodus_dns_ttl_passed() {
          local stamp=${1%.dns-record.json}.ttl-lowered-at lowered old
          if lowered=$(cat "$stamp" 2>/dev/null) && old=$(jq -r \(ShellQuote.word(TrafficCommands.oldTTL)) "$1") \\
            && [[ "$lowered" =~ ^[0-9]+$ && "$old" =~ ^[0-9]+$ ]] && test $(( $(date -u +%s) - lowered )) -ge "$old"; then
            return 0
          fi
          echo "the old TTL (\(TrafficCommands.aliasTTL) s for an alias record) has not expired since the lowering (or $stamp and $1 are not here): wait" >&2
          return 1
        }

        # eksodus_dns_low_ttl NAME RECORD_FILE: NAME carries the low TTL where its zone serves it: a public zone asked at its
        # own name server (dig @NS, only the lines the name owns: a CNAME's target has its own TTL), a private one through
        # the Route 53 API (the plain record, or both records of the pair, at \(TrafficCommands.lowTTL) s or less, or aliases).
        eksodus_dns_low_ttl() {
          local zone type ns
          if zone=$(aws route53 get-hosted-zone --id "$HOSTED_ZONE_ID" --output json) && type=$(jq -r '.[0].Type' "$2") && case "$(jq -r '.HostedZone.Config.PrivateZone' <<<"$zone")" in
              false) ns=$(jq -r '.DelegationSet.NameServers[0] // empty' <<<"$zone") && test -n "$ns" && dig +noall +answer @"$ns" "$1" "$type" \\
                       | awk -v name="$1" \(ShellQuote.word(ownedProgram)) ;;
              true) aws route53 list-resource-record-sets --hosted-zone-id "$HOSTED_ZONE_ID" --start-record-name "$1" --start-record-type "$type" --max-items 10 --output json \\
                      | jq -en --arg name "$1" --arg type "$type" \(ShellQuote.word(privateLowProgram)) >/dev/null ;;
              *) false ;;
            esac; then
            return 0
          fi
          echo "$1 does not carry the low TTL where its zone serves it (a private zone: to see what its clients get, dig it from inside the VPC)" >&2
          return 1
        }

        # eksodus_dns_hold: HOLD_SECONDS (default \(defaultHold)), checked: a whole number of at least \(minimumHold) (twice the low TTL).
        eksodus_dns_hold() {
          local hold=${HOLD_SECONDS:-\(defaultHold)}
          if ! [[ "$hold" =~ ^[0-9]{1,9}$ ]] || [ $(( 10#$hold )) -lt \(minimumHold) ]; then
            echo "HOLD_SECONDS=$hold: give a whole number of seconds, at least \(minimumHold) (twice the \(TrafficCommands.lowTTL) s TTL: resolvers still answer the previous share for one TTL)" >&2
            return 1
          fi
          echo $(( 10#$hold ))
        }

        # eksodus_dns_still_source NAME RECORD_FILE WHAT NAMESPACE RESOURCE...: the record Route 53 holds for NAME now (the
        # plain one, or the pair's source record on a re-run), read beside RECORD_FILE, still points at the source.
        eksodus_dns_still_source() {
          local name=$1 live=${2%.dns-record.json}.dns-live.json
          shift 2
          eksodus_dns_live "$name" "$live" && eksodus_points_at_source "$live" "$name" "$@"
        }

        # eksodus_alb_5xx NAMESPACE: the HTTPCode_Target_5XX_Count of each target group of the namespace on EKS (its
        # TargetGroupBindings) over the last HOLD_SECONDS: a check to run while a share holds; it changes nothing.
        eksodus_alb_5xx() {
          local hold arns arn lb count
          hold=$(eksodus_dns_hold) || return 1
          arns=$(kubectl --context "$EKS_CONTEXT" -n "$1" get targetgroupbindings.elbv2.k8s.aws -o jsonpath='{range .items[*]}{.spec.targetGroupARN}{"\\n"}{end}') || return 1
          [ -n "$arns" ] || { echo "$1: no target group bound on EKS" >&2; return 1; }
          while read -r arn; do
            [ -n "$arn" ] || continue
            lb=$(aws elbv2 describe-target-groups --target-group-arns "$arn" --query 'TargetGroups[0].LoadBalancerArns[0]' --output text < /dev/null) || return 1
            count=$(aws cloudwatch get-metric-statistics --namespace AWS/ApplicationELB --metric-name HTTPCode_Target_5XX_Count \\
              --dimensions Name=TargetGroup,Value="${arn##*:}" Name=LoadBalancer,Value="${lb#*:loadbalancer/}" --start-time "$(date -u -d "-$hold seconds" +%FT%TZ)" \\
              --end-time "$(date -u +%FT%TZ)" --period 60 --statistics Sum --query 'sum(Datapoints[].Sum)' --output text < /dev/null) || return 1
            echo "${arn##*:}: ${count:-0} target 5xx in the last $hold s"
          done <<< "$arns"
        }

        # eksodus_dns_shift RECORD_FILE SHARE LB_NAMESPACE LB_RESOURCE [NAMESPACE INGRESS]...: the name's weighted pair at
        # SHARE % to the EKS load balancer of LB_RESOURCE (ingress/NAME or service/NAME; both empty: $EKS_LB), run again
        # safely: it reads the pair Route 53 holds first. Share 0 turns the plain record into the pair (skipped when the
        # pair exists); a share Route 53 already holds or passed is skipped; otherwise the current share is read back, held
        # for HOLD_SECONDS since it took effect (the .share-at file), every ALB target of LB_RESOURCE (an Ingress) and of
        # the INGRESSes must be healthy, and the weights move. Every change is waited for, read back, and its time noted.
        # While a share holds, watch the EKS target groups: 5xx (eksodus_alb_5xx NAMESPACE), latency, target health. A name on
        # other DNS than Route 53 (BIND, Active Directory, Infoblox) takes the same shifts there (A beside A, CNAME beside
        # CNAME), or one change once the old TTL expired.
        eksodus_dns_shift() {
          local record=$1 share=$2 at=${1%.dns-record.json}.share-at lb sets state current hold noted since left zone
          shift 2
          if [ -n "$1$2" ]; then lb=$(kubectl --context "$EKS_CONTEXT" -n "$1" get "$2" -o jsonpath='{.status.loadBalancer.ingress[0].hostname}') || lb=; else lb=${EKS_LB:-}; fi
          if [ "${2#ingress/}" != "$2" ]; then set -- "$1" "${2#ingress/}" "${@:3}"; else shift 2; fi
          test -n "$lb" || { echo "$record: no EKS load balancer name yet: stop" >&2; return 1; }
          jq -e 'length == 1 and (.[0].Type == "A" or .[0].Type == "CNAME")' "$record" >/dev/null \\
            || { echo "$record: no record file from the TTL step, or not one A or CNAME record in it: stop" >&2; return 1; }
          hold=$(eksodus_dns_hold) || return 1
          sets=$(eksodus_dns_sets "$record") || { echo "$record: the name's records were not read from Route 53: stop" >&2; return 1; }
          state=$(eksodus_dns_state "$sets") || return 1
          if [ "$state" = plain ]; then
            current=none
          else
            current=${state#pair }; current=${current%% *}
            [[ "$current" =~ ^[0-9]+$ ]] || { echo "$record: the eks record has no weight: stop" >&2; return 1; }
          fi
          if [ "$current" != none ] && [ "$current" -ge "$share" ]; then
            echo "$record: Route 53 already sends $current% to EKS: the $share% shift is skipped" >&2
            eksodus_dns_check "$record" "$current" "$lb" || return 1
            # A re-run after a change whose wait or read-back failed: its hold starts now.
            if [ "$current" != 0 ] && [ "$(cut -d ' ' -f 1 "$at" 2>/dev/null)" != "$current" ]; then
              echo "$current $(date -u +%s)" > "$at"
              echo "$record: no time noted for $current% to EKS ($at): its hold starts now" >&2
            fi
            return 0
          fi
          if [ "$current" = none ]; then
            [ "$share" = 0 ] || { echo "$record: no weighted pair yet: run the step from its top (its 0% line makes the pair)" >&2; return 1; }
          else
            eksodus_dns_check "$record" "$current" "$lb" || return 1
            if [ "$current" != 0 ]; then
              read -r noted since 2>/dev/null < "$at" || noted=
              if [ "$noted" != "$current" ] || ! [[ "$since" =~ ^[0-9]+$ ]]; then
                echo "$current $(date -u +%s)" > "$at"
                echo "$record: no time noted for $current% to EKS ($at): the hold starts now; run this step again in $hold s" >&2
                return 1
              fi
              left=$(( since + hold - $(date -u +%s) ))
              if [ "$left" -gt 0 ]; then
                echo "$record: $current% to EKS since $(date -u -d "@$since" +%H:%M:%SZ): hold $hold s before $share%, $left s left; watch the EKS target groups meanwhile (HTTPCode_Target_5XX_Count, TargetResponseTime, target health), then run this step again" >&2
                return 1
              fi
            fi
          fi
          while [ "$#" -ge 2 ]; do eksodus_target_health "$1" "$2" || return 1; shift 2; done
          if [ "$current" = none ]; then
            if [ "$(jq -r '.[0].Type' "$record")" != CNAME ]; then
              zone=$(aws elbv2 describe-load-balancers --output json | jq -r --arg dns "$lb" '.LoadBalancers[] | select(.DNSName == $dns) | .CanonicalHostedZoneId')
              test -n "$zone" || { echo "$record: no load balancer named $lb, so no hosted zone for the alias: stop" >&2; return 1; }
            fi
            # shellcheck disable=SC2016
            eksodus_dns_apply "$record" \(ShellQuote.word(pairProgram)) --arg eks "$lb" --arg zone "${zone:-}" || return 1
          else
            # shellcheck disable=SC2016
            eksodus_dns_apply "$record" \(ShellQuote.word(weightsProgram)) --argjson sets "$sets" --argjson share "$share" || return 1
          fi
          eksodus_dns_check "$record" "$share" "$lb" || return 1
          if [ "$share" != 0 ]; then echo "$share $(date -u +%s)" > "$at"; fi
        }

        # eksodus_dns_weights_back RECORD_FILE: every weight of the pair Route 53 holds back to the source (nothing to do
        # when they are, or when the plain record of RECORD_FILE is back); the hold's time goes first.
        eksodus_dns_weights_back() {
          local sets state
          rm -f "${1%.dns-record.json}.share-at" || return 1
          sets=$(eksodus_dns_sets "$1") || { echo "$1: the name's records were not read from Route 53: nothing changed" >&2; return 1; }
          state=$(eksodus_dns_state "$sets") || return 1
          if [ "$state" = plain ]; then eksodus_dns_saved "$1" "$sets"; return; fi
          if [ "$state" = "pair 0 100" ]; then echo "$1: every weight is already back to the source" >&2; return 0; fi
          # shellcheck disable=SC2016
          eksodus_dns_apply "$1" \(ShellQuote.word(weightsProgram)) --argjson sets "$sets" --argjson share 0
        }

        # eksodus_dns_unpair RECORD_FILE: the pair Route 53 holds goes, exactly as held, and the plain record of
        # RECORD_FILE returns at the low TTL, in one batch (nothing to do when it is back).
        eksodus_dns_unpair() {
          local sets state
          sets=$(eksodus_dns_sets "$1") || { echo "$1: the name's records were not read from Route 53: nothing changed" >&2; return 1; }
          state=$(eksodus_dns_state "$sets") || return 1
          if [ "$state" = plain ]; then eksodus_dns_saved "$1" "$sets"; return; fi
          # shellcheck disable=SC2016
          eksodus_dns_apply "$1" \(ShellQuote.word(unpairProgram)) --argjson sets "$sets"
        }

        # eksodus_dns_switch_back RECORD_FILE: a switch's rollback: every weight back to the source, as Route 53 holds the
        # pair, then the plain record of RECORD_FILE back in place of the pair; each part does nothing once it is done.
        eksodus_dns_switch_back() {
          eksodus_dns_weights_back "$1" || return 1
          eksodus_dns_unpair "$1"
        }

        # eksodus_dns_saved RECORD_FILE SETS: the plain record in SETS is the one saved in RECORD_FILE: the rollback is done.
        eksodus_dns_saved() {
          if jq -en --argjson sets "$2" \(ShellQuote.word(savedProgram)) "$1" >/dev/null; then
            echo "$1: Route 53 holds the plain record again: nothing to roll back" >&2
          else
            echo "$1: Route 53 holds another plain record than $1: changed by hand? stop" >&2
            return 1
          fi
        }

        """

    /// `awk` over `dig` answer lines: the name's own lines exist and carry at most the low TTL.
    static let ownedProgram = "BEGIN { name = tolower(name); sub(/[.]$/, \"\", name) } { owner = tolower($1); sub(/[.]$/, \"\", owner) } "
        + "owner == name { seen = 1; if ($2 > \(TrafficCommands.lowTTL)) bad = 1 } END { exit !seen || bad }"

    /// The private zone's records of the name and type: the plain record or the pair, each at the low TTL or an alias.
    /// (`-n` and `input`: `jq -e` passes on no input at all.)
    static let privateLowProgram = TrafficCommands.normDef + "input | [.ResourceRecordSets[] | select((.Name | norm) == ($name | norm) and .Type == $type)]"
        + " | ((length == 1 and .[0].SetIdentifier == null) or (length == 2 and ([.[].SetIdentifier] | sort) == [\"eks\", \"source\"]))"
        + " and all(.[]; .TTL // (if .AliasTarget then \(TrafficCommands.aliasTTL) else null end) | . != null and . <= \(TrafficCommands.lowTTL))"
}

/// The base backup pod's connection secret and wait, and the replication slot's cleanup, as runbook library functions:
/// the copy (`PostgresStandby.replicate`), its promotion and the rollback's rebuild each ran them written out.
extension PostgresStandby {
    static let library = """
        # eksodus_pg_secret SIDE NAMESPACE HOST: the connection secret of the one-off base backup pod (\(secret)) on SIDE: PGHOST=HOST,
        # PGUSER=replicator and PGPASSWORD from REPLICATION_PASSWORD, which reaches kubectl on stdin, never as an argument (ps shows
        # those). A pod and secret an earlier, failed run left go first: kubectl create and run refuse to make them again.
        eksodus_pg_secret() {
          if [ -z "$3" ] || [ -z "${REPLICATION_PASSWORD:-}" ]; then echo 'the server address or REPLICATION_PASSWORD is not set: nothing has been changed' >&2; return 1; fi
          eksodus_kubectl "$1" "$2" delete pod/\(pod) secret/\(secret) --ignore-not-found || return 1
          printf '%s' "$REPLICATION_PASSWORD" | eksodus_kubectl "$1" "$2" create secret generic \(secret) --from-literal=PGHOST="$3" --from-literal=PGUSER=replicator --from-file=PGPASSWORD=/dev/stdin
        }

        # eksodus_pg_wait_copy SIDE NAMESPACE: waits while the base backup pod on SIDE is Pending or Running (a day at most), prints its
        # log, and fails unless it Succeeded (any other answer, Failed, Unknown or none, ends the wait: waiting for Succeeded alone
        # waited the whole day on a pod whose checks refused in its first second); then removes the pod and its secret (the password).
        eksodus_pg_wait_copy() {
          local phase='' _
          for _ in $(seq 1 8640); do
            phase=$(eksodus_kubectl "$1" "$2" get pod/\(pod) -o jsonpath='{.status.phase}') || phase=
            case "$phase" in Pending|Running) sleep 10 ;; *) break ;; esac
          done
          eksodus_kubectl "$1" "$2" logs pod/\(pod) --tail=20 || echo 'the base backup pod has no log to show' >&2
          [ "$phase" = Succeeded ] || { echo "the base backup pod ended ${phase:-unseen}, not Succeeded: its log is above; if it still runs, run eksodus_pg_wait_copy $1 $2 again; otherwise fix what it says, then re-run the step" >&2; return 1; }
          eksodus_kubectl "$1" "$2" delete pod/\(pod) secret/\(secret)
        }

        # eksodus_pg_slot_name SLOT: fails unless SLOT is a replication slot name (lower case letters, digits, underscores: PostgreSQL's own rule).
        eksodus_pg_slot_name() {
          [[ "$1" =~ ^[a-z0-9_]{1,63}$ ]] || { echo "$1 is no replication slot name" >&2; return 1; }
        }

        # eksodus_pg_slot_sql SIDE NAMESPACE REF SLOT SQL: SQL (a statement on SLOT, named in it as $slot) on SIDE's server through psql's
        # standard input. SLOT must be a slot name (eksodus_pg_slot_name), so nothing else reaches SQL.
        eksodus_pg_slot_sql() {
          eksodus_pg_slot_name "$4" || return 1
          printf '%s\\n' "${5//\\$slot/$4}" | eksodus_kubectl "$1" "$2" exec -i "$3" -- psql -U postgres -At
        }

        # eksodus_pg_slot_drop_left SIDE NAMESPACE REF SLOT: drops replication slot SLOT on SIDE's server unless a standby streams through it
        # (one an earlier, failed run left: pg_basebackup -C refuses to create a slot that exists).
        eksodus_pg_slot_drop_left() {
          # shellcheck disable=SC2016  # $slot is replaced by the slot's name
          eksodus_pg_slot_sql "$@" 'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '\\''$slot'\\'' AND NOT active'
        }

        # eksodus_pg_slot_gone SIDE NAMESPACE REF SLOT: drops SLOT once no standby streams through it (a promoted standby's WAL receiver
        # takes a moment to hang up: a minute of retries), then fails while it is left: a slot nobody reads keeps every WAL segment
        # from then on, until the primary's disk is full.
        eksodus_pg_slot_gone() {
          local _ count
          # shellcheck disable=SC2016  # $slot is replaced by the slot's name
          local query='SELECT count(*) FROM pg_replication_slots WHERE slot_name = '\\''$slot'\\'''
          eksodus_pg_slot_name "$4" || return 1
          for _ in $(seq 1 30); do
            count=$(eksodus_pg_slot_sql "$@" "$query") || count=
            if [ "$count" = 0 ]; then return 0; fi
            eksodus_pg_slot_drop_left "$@" >/dev/null || true
            sleep 2
          done
          count=$(eksodus_pg_slot_sql "$@" "$query") || count=
          [ "$count" = 0 ] || { echo "replication slot $4 is still there (a standby still streams through it, or the server did not answer): stop that standby and re-run" >&2; return 1; }
        }

        # eksodus_pg_same_lsn PRIMARY_SIDE STANDBY_SIDE NAMESPACE PRIMARY_REF STANDBY_REF MESSAGE: fails, saying MESSAGE, unless the
        # standby has replayed everything the (frozen) primary wrote: the primary's pg_current_wal_lsn() equals the standby's
        # pg_last_wal_replay_lsn(). Each is read into a variable first: a failed psql or kubectl, or an empty answer, is no pass
        # (compared inline, two empty answers were equal).
        eksodus_pg_same_lsn() {
          local primary standby
          primary=$(eksodus_kubectl "$1" "$3" exec "$4" -- sh -c \(ShellQuote.word("psql -U postgres -Atc " + ShellQuote.word("SELECT pg_current_wal_lsn()")))) || primary=
          standby=$(eksodus_kubectl "$2" "$3" exec "$5" -- sh -c \(ShellQuote.word("psql -U postgres -Atc " + ShellQuote.word("SELECT pg_last_wal_replay_lsn()")))) || standby=
          if [ -z "$primary" ] || [ "$primary" != "$standby" ]; then
            echo "$6" >&2
            echo "primary: ${primary:-no answer}, standby: ${standby:-no answer}" >&2
            return 1
          fi
        }

        # eksodus_pg_claim NAMESPACE REF TEMPLATE CLAIM: creates on EKS, empty and before any pod does, the claim CLAIM that the StatefulSet
        # REF's volumeClaimTemplate TEMPLATE makes for its first pod (its labels and spec), so the base backup pod can fill it. Fails
        # when the StatefulSet or its template was not read (nothing to apply is no claim).
        eksodus_pg_claim() {
          local claim
          claim=$(eksodus_kubectl eks "$1" get "$2" -o json \\
            | jq -c --arg template "$3" --arg claim "$4" \(ShellQuote.word(".spec.volumeClaimTemplates[] | select(.metadata.name == $template) | {apiVersion: \"v1\", kind: \"PersistentVolumeClaim\", metadata: {name: $claim, labels: .metadata.labels}, spec: .spec}"))) || claim=
          [ -n "$claim" ] || { echo "$2 on EKS was not read, or has no volumeClaimTemplate $3: claim $4 was not created" >&2; return 1; }
          printf '%s\\n' "$claim" | eksodus_kubectl eks "$1" apply -f -
        }

        """

    /// `SIDE NAMESPACE REF SLOT` of `workload`'s slot on `side`.
    static func slotArguments(_ workload: Estate.Workload, on side: Kubectl.Side) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        return kubectl.libraryArguments + " " + Kubectl.ref(workload, on: side) + " " + slot(workload)
    }
}

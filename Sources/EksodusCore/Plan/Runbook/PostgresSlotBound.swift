/// The bound on the WAL the copy's replication slot may keep on the primary it is created on. A slot nobody reads (the
/// standby crashed, was deleted, fell far behind, the cutover paused for days) keeps every WAL segment from then on, until
/// the primary's disk is full and it stops. From PostgreSQL 13 `max_slot_wal_keep_size` caps it (-1, the default, is no
/// cap; past the cap the slot is invalidated, `wal_status` lost, and the standby is rebuilt instead) and can be changed
/// with a reload, no restart ("This parameter can only be set in the postgresql.conf file or on the server command line";
/// https://www.postgresql.org/docs/current/runtime-config-replication.html#GUC-MAX-SLOT-WAL-KEEP-SIZE; ALTER SYSTEM's values
/// take effect "after the next server configuration reload", https://www.postgresql.org/docs/current/sql-altersystem.html).
/// `wal_status` (reserved, extended, unreserved, lost) is in pg_replication_slots from 13
/// (https://www.postgresql.org/docs/current/view-pg-replication-slots.html). Before 13 nothing caps a slot.
/// An operator accepts an uncapped slot with `PG_UNCAPPED_SLOT=<that slot's name>` (a name, not "yes", like
/// `SWITCH_FOREIGN_RECORD`: an export must not pass every later slot).
enum PostgresSlotBound {
    /// Said in the copy item's evidence.
    static let evidence = "the standby's replication slot on the source primary is capped first (max_slot_wal_keep_size, PostgreSQL 13+) or accepted by name (PG_UNCAPPED_SLOT): a slot nobody reads keeps every WAL segment until the primary's disk is full"

    /// Before `pg_basebackup -C` creates `workload`'s slot on `side`.
    static func gate(_ workload: Estate.Workload, on side: Kubectl.Side) -> String {
        "eksodus_pg_slot_capped " + PostgresStandby.slotArguments(workload, on: side) + "  # before the slot exists: max_slot_wal_keep_size caps what it may keep"
    }

    /// While the copy waits and before the promotion: the slot's `wal_status`.
    static func health(_ workload: Estate.Workload, on side: Kubectl.Side) -> String {
        "eksodus_pg_slot_health " + PostgresStandby.slotArguments(workload, on: side) + "  # lost: rebuild the standby; unreserved or extended: it falls behind"
    }

    static let versionQuery = "SELECT current_setting('server_version_num') || '|' || coalesce(current_setting('max_slot_wal_keep_size', true), '')"

    static let library = """
        # eksodus_pg_slot_capped SIDE NAMESPACE REF SLOT: fails, before pg_basebackup -C creates SLOT on SIDE's primary REF, unless the WAL
        # a slot may keep there is capped: max_slot_wal_keep_size, PostgreSQL 13 and later (-1, its default, is no cap). A slot nobody
        # reads keeps every WAL segment until the primary's disk is full and it stops; capped, the slot is lost instead and the standby
        # rebuilt. Before 13 nothing caps it. PG_UNCAPPED_SLOT=SLOT (this slot's name, not "yes") accepts an uncapped slot: the team
        # then watches the primary's free disk and the slot's retained WAL until the slot is dropped.
        eksodus_pg_slot_capped() {
          local answer version cap
          eksodus_pg_slot_name "$4" || return 1
          answer=$(eksodus_pg_slot_sql "$@" \(ShellQuote.word(versionQuery))) || answer=
          version=${answer%%|*} cap=${answer#*|}
          if [[ "$answer" != *'|'* ]] || ! [[ "$version" =~ ^[0-9]+$ ]]; then
            echo "$3 did not answer its server_version_num and max_slot_wal_keep_size: nothing has been created; re-run" >&2; return 1
          fi
          if [ "$version" -ge 130000 ] && [ -n "$cap" ] && [ "$cap" != -1 ]; then echo "max_slot_wal_keep_size = $cap on $3: slot $4 keeps at most that much WAL"; return 0; fi
          if [ "${PG_UNCAPPED_SLOT:-}" = "$4" ]; then
            echo "PG_UNCAPPED_SLOT=$4: slot $4 is created with no cap on the WAL it keeps: watch the primary's free disk (pg_wal) and the slot's retained WAL until it is dropped" >&2; return 0
          fi
          if [ "$version" -ge 130000 ]; then
            echo "max_slot_wal_keep_size is -1 (unlimited) on $3: slot $4, which pg_basebackup creates, would keep every WAL segment a stalled or deleted standby does not read, until the primary's disk is full and production stops. Cap it below the free space of the primary's pg_wal volume (a reload applies it, no restart): ALTER SYSTEM SET max_slot_wal_keep_size = '<N>GB'; SELECT pg_reload_conf(); then re-run. Past the cap the slot is invalidated (wal_status lost) and the standby is rebuilt, while the primary keeps running. To go on uncapped (the team watches the disk), run again with PG_UNCAPPED_SLOT=$4. Nothing has been created" >&2
          else
            echo "PostgreSQL $version on $3 has no cap on the WAL a replication slot keeps (max_slot_wal_keep_size came in 13): slot $4 would keep every WAL segment a stalled or deleted standby does not read, until the primary's disk is full. Decide as a team: go on only if someone watches the primary's free disk (df on pg_wal) and the slot's retained WAL (SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots WHERE slot_name = '$4') until it is dropped, and drops it (this item's rollback) before the disk is full; then run again with PG_UNCAPPED_SLOT=$4. Nothing has been created" >&2
          fi
          return 1
        }

        # eksodus_pg_slot_health SIDE NAMESPACE REF SLOT: SLOT's wal_status on SIDE's primary REF (PostgreSQL 13 and later): lost fails (WAL
        # the standby needs is gone: it can never catch up and must be rebuilt), unreserved and extended warn (it falls behind), reserved
        # passes; before 13 it prints the WAL the slot keeps. No answer is no pass.
        eksodus_pg_slot_health() {
          local version answer status retained safe
          eksodus_pg_slot_name "$4" || return 1
          version=$(eksodus_pg_slot_sql "$@" "SELECT current_setting('server_version_num')") || version=
          if ! [[ "$version" =~ ^[0-9]+$ ]]; then echo "$3 did not answer its server_version_num: slot $4 was not checked; re-run" >&2; return 1; fi
          if [ "$version" -lt 130000 ]; then
            # shellcheck disable=SC2016  # $slot is replaced by the slot's name
            retained=$(eksodus_pg_slot_sql "$@" 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '\\''$slot'\\''') || retained=
            echo "PostgreSQL $version: no wal_status and no cap; slot $4 keeps ${retained:-an unknown number of} bytes of WAL: watch the primary's free disk" >&2
            return 0
          fi
          # shellcheck disable=SC2016  # $slot is replaced by the slot's name
          answer=$(eksodus_pg_slot_sql "$@" 'SELECT coalesce(wal_status, '\\''none'\\'') || '\\''|'\\'' || coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text, '\\'''\\'') || '\\''|'\\'' || coalesce(safe_wal_size::text, '\\'''\\'') FROM pg_replication_slots WHERE slot_name = '\\''$slot'\\''') || { echo "$3 did not answer for slot $4: re-run" >&2; return 1; }
          IFS='|' read -r status retained safe <<< "$answer"
          case "$status" in
            reserved) echo "slot $4: wal_status reserved, ${retained:-?} bytes of WAL kept" ;;
            extended|unreserved) echo "WARNING: slot $4 is $status (${retained:-?} bytes of WAL kept, ${safe:-unknown} bytes before it is lost): the standby falls behind; if it becomes lost the standby must be rebuilt" >&2 ;;
            lost) echo "slot $4 is lost: the primary removed WAL the standby still needs (max_slot_wal_keep_size), so it can never catch up. Rebuild the standby: run this copy's rollback (it deletes the standby, its claim and the slot), then the copy again; the primary's disk was spared" >&2; return 1 ;;
            '') echo "WARNING: slot $4 is not on $3: the standby streams without it (or the copy did not run); check pg_stat_replication" >&2 ;;
            *) echo "slot $4: wal_status $status" >&2 ;;
          esac
        }

        """
}

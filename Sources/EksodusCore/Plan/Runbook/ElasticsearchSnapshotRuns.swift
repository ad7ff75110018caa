extension ElasticsearchSnapshot {
    /// A snapshot the runbook takes and restores by a name that lines must share: the final one (named at the freeze)
    /// and the rollback's (named as EKS is write-blocked) carry the UTC time of that step, kept in a file on the
    /// engineer's machine, so a second freeze takes a new snapshot and every re-run of the lines after it reads the
    /// same name. A name is used once per repository (the create snapshot API answers a name already taken, a failed
    /// snapshot's too, with `invalid_snapshot_name_exception`, 400: elastic/elasticsearch#22921), so taking it is
    /// re-runnable: a `SUCCESS` snapshot of that name is kept, one still `IN_PROGRESS`
    /// is waited for, a `FAILED`, `PARTIAL` or `INCOMPATIBLE` one is deleted and taken again (Elasticsearch docs, get
    /// snapshot API, `state`; https://www.elastic.co/guide/en/elasticsearch/reference/7.17/get-snapshot-api.html); a
    /// name the repository does not hold answers `snapshot_missing_exception` (404), the one answer that takes it afresh.
    struct Run {
        /// `final`, `rollback`: the name's prefix and the file's suffix.
        var kind: String
        var workload: Estate.Workload

        var file: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".\(kind)-snapshot") }

        /// Names the snapshot after this step's time (UTC, to the second).
        var named: String {
            "printf '\(kind)-%s\\n' \"$(date -u +%Y%m%d-%H%M%S)\" > \(ShellQuote.word(file))"
        }

        /// Sets `$SNAPSHOT` from the file, failing unless it holds a name this runbook wrote (no message).
        var readQuietly: String {
            "SNAPSHOT=$(cat \(ShellQuote.word(file))) && case \"$SNAPSHOT\" in \(kind)-*[!0-9-]*) false ;; \(kind)-[0-9]*) ;; *) false ;; esac"
        }

        /// Sets `$SNAPSHOT` from the file, or fails saying which step names it.
        func read(_ namingStep: String) -> String {
            "{ " + readQuietly + "; } || { echo " + ShellQuote.word("\(file) holds no \(kind) snapshot name: run \(namingStep) first (it names the snapshot)") + " >&2; false; }"
        }
    }

    var finalRun: Run { Run(kind: "final", workload: workload) }
    var rollbackRun: Run { Run(kind: "rollback", workload: workload) }

    /// `curl` on one side, run directly so that `$SNAPSHOT` expands on the engineer's machine.
    private func curl(_ side: Kubectl.Side, _ arguments: String) -> String { DataCopy.execDirect(workload, on: side, "curl " + arguments) }

    /// Takes snapshot `$SNAPSHOT` (set by `name`, a line of its own) on one side, unless a `SUCCESS` one of that name is
    /// there; a failed or partial one is deleted first. An unreadable answer (no repository, no cluster) fails the line.
    func take(on side: Kubectl.Side, name: String) -> String {
        let url = "\"localhost:9200/_snapshot/eksodus/$SNAPSHOT"
        let create = curl(side, "-fsS -XPUT " + url + "?wait_for_completion=true\"")
        return "{ " + name + " && SNAPSHOT_STATE=$(" + curl(side, "-sS " + url + "\"") + "); } || { echo " + ShellQuote.word("the snapshot's name or its state could not be read (the cluster did not answer?): re-run") + " >&2; false; }"
            + " && case \"$SNAPSHOT_STATE\" in"
            + " *'\"state\":\"SUCCESS\"'*) echo \"snapshot $SNAPSHOT is already taken: kept\" ;;"
            + " *'\"state\":\"IN_PROGRESS\"'*) echo \"snapshot $SNAPSHOT is still being taken: wait for it, then re-run\" >&2; false ;;"
            + " *'\"state\":\"'*) " + curl(side, "-fsS -XDELETE " + url + "\"") + " && " + create + " ;;"
            + " *snapshot_missing_exception*) " + create + " ;;"
            + " *) echo 'the snapshot repository gave no state and no snapshot_missing_exception: check it (registered? reachable?), then re-run' >&2; printf '%s\\n' \"$SNAPSHOT_STATE\" >&2; false ;;"
            + " esac"
    }

    /// Fails unless one side reads snapshot `$SNAPSHOT` of `run` as `SUCCESS` (a `PARTIAL` one lacks shards, a `FAILED`
    /// one its data: restoring either loses documents).
    func succeeded(_ run: Run, on side: Kubectl.Side) -> String {
        "{ " + run.readQuietly + " && SNAPSHOT_STATE=$(" + curl(side, "-fsS \"localhost:9200/_snapshot/eksodus/$SNAPSHOT\"") + ") && printf '%s' \"$SNAPSHOT_STATE\" | grep -q '\"state\":\"SUCCESS\"'; } || { echo "
            + ShellQuote.word("the \(run.kind) snapshot named in \(run.file) is not SUCCESS \(side == .source ? "on the source" : "on EKS") (or the name or its state could not be read): re-run the snapshot line above (it deletes a failed or partial one and takes it again)") + " >&2;"
            + " echo \"got: ${SNAPSHOT_STATE:-no answer}\" >&2; false; }"
    }
}

/// The part of the source's write freeze that `index.blocks.write` leaves open: new indices. The block is an index
/// setting, so it covers the indices that exist when it is set; an index made afterwards takes writes the final snapshot
/// may miss: one a client's first write auto-creates (a log shipper's daily index at midnight), or one ILM's rollover
/// makes and points the write alias at. So the freeze also sets `action.auto_create_index: false` (Elasticsearch docs,
/// "Create index API", automatically create data streams and indices, `action.auto_create_index`,
/// https://www.elastic.co/guide/en/elasticsearch/reference/7.17/docs-index_.html#index-creation) and stops ILM
/// (`POST _ilm/stop`), saving what was there before so its rollback puts that back; and the promotion first fails while
/// any regular index on the source lacks the block.
///
/// The setting is persistent (transient ones are deprecated and lost at a full restart) and read back: a transient
/// value set on the source takes precedence over it (Elasticsearch docs, "Cluster update settings API", order of
/// precedence), so one there stops the freeze.
struct ElasticsearchIndexCreationFreeze {
    var snapshot: ElasticsearchSnapshot

    var workload: Estate.Workload { snapshot.workload }

    /// The file keeping the source's own `action.auto_create_index` (its JSON value, `null` when unset), written once.
    var savedFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".auto-create-index.json") }
    /// The file keeping ILM's operation mode before the freeze (`RUNNING`, `STOPPED`…), written once.
    var ilmFile: String { ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".ilm-mode") }

    /// Whether the source runs ILM (Elasticsearch 6.6 and later; OpenSearch's ISM has no stop switch of its kind).
    var hasILM: Bool { ElasticsearchGlobalState(snapshot: snapshot).hasILM }

    private func source(_ script: String) -> String { DataCopy.exec(workload, on: .source, script) }

    static let settings = "curl -fsS 'localhost:9200/_cluster/settings?flat_settings=true'"

    func freeze() -> [String] {
        let file = ShellQuote.word(savedFile)
        // Saved once: a re-run after the setting is false must not save false as the source's own value.
        var commands = ["[ -s \(file) ] || { SETTINGS=$(" + source(Self.settings) + ") && printf '%s' \"$SETTINGS\" | jq -c '.persistent | if type == \"object\" then .[\"action.auto_create_index\"] // null else error(\"no persistent settings\") end' > \(file).new && mv \(file).new \(file); } || { rm -f \(file).new; echo "
                            + ShellQuote.word("the source's cluster settings could not be read: nothing was changed, re-run") + " >&2; false; }",
                        source("curl -fsS -XPUT localhost:9200/_cluster/settings -H 'Content-Type: application/json' -d '{\"persistent\": {\"action.auto_create_index\": false}}'") + "  # no index is created by a write from now on",
                        "{ SETTINGS=$(" + source(Self.settings) + ") && printf '%s' \"$SETTINGS\" | jq -e '(.persistent[\"action.auto_create_index\"] | tostring) == \"false\" and (.transient[\"action.auto_create_index\"] == null)' >/dev/null; } || { echo "
                            + ShellQuote.word("the source still auto-creates indices (a transient action.auto_create_index overrides the persistent one, or the settings could not be read): clear the transient value (PUT _cluster/settings {\"transient\": {\"action.auto_create_index\": null}}) and re-run") + " >&2; false; }"]
        if hasILM {
            let ilm = ShellQuote.word(ilmFile)
            commands += ["[ -s \(ilm) ] || { STATUS=$(" + source("curl -fsS localhost:9200/_ilm/status") + ") && printf '%s' \"$STATUS\" | jq -er '.operation_mode' > \(ilm).new && mv \(ilm).new \(ilm); } || { rm -f \(ilm).new; echo "
                            + ShellQuote.word("ILM's status could not be read on the source: re-run") + " >&2; false; }",
                         source("curl -fsS -XPOST localhost:9200/_ilm/stop") + "  # no rollover makes a new write index after the block"]
        }
        return commands
    }

    /// Puts back the source's own value (or none) and ILM's mode, then forgets them.
    func rollback() -> [String] {
        let file = ShellQuote.word(savedFile)
        var commands = ["{ SAVED=$(cat \(file)) && test -n \"$SAVED\" && BODY=$(jq -cn --argjson v \"$SAVED\" '{persistent: {\"action.auto_create_index\": $v}}'); } || { echo "
                            + ShellQuote.word("\(savedFile) holds no saved action.auto_create_index: set the source's own value back by hand (PUT _cluster/settings; null removes it)") + " >&2; false; }",
                        DataCopy.execDirect(workload, on: .source, "curl -fsS -XPUT localhost:9200/_cluster/settings -H 'Content-Type: application/json' -d \"$BODY\"") + " && rm -f \(file)"]
        if hasILM {
            let ilm = ShellQuote.word(ilmFile)
            commands += ["if [ \"$(cat \(ilm) 2>/dev/null)\" != STOPPED ]; then " + source("curl -fsS -XPOST localhost:9200/_ilm/start") + "; fi && rm -f \(ilm)  # ILM runs again unless it was stopped before the freeze"]
        }
        return commands
    }

    /// Fails while a regular index on the source lacks the freeze's write block (made after it, or unblocked since):
    /// the final snapshot would miss what it takes. The freeze's re-run blocks it and names a new final snapshot.
    var everyIndexBlocked: String {
        "{ SOURCE_BLOCKS=$(" + source("curl -fsS 'localhost:9200/*,-.*/_settings/index.blocks.write?flat_settings=true'") + ") && test -n \"$SOURCE_BLOCKS\" && OPEN=$(printf '%s' \"$SOURCE_BLOCKS\" | jq -r 'to_entries[] | select(.value.settings[\"index.blocks.write\"] != \"true\") | .key') && test -z \"$OPEN\"; } || { echo "
            + ShellQuote.word("an index on the source takes writes (made after the freeze, or unblocked since), or the settings could not be read: re-run the freeze step (it blocks every index and names a new final snapshot), then this one") + " >&2; printf '%s\\n' \"${OPEN:-}\" >&2; false; }"
    }
}

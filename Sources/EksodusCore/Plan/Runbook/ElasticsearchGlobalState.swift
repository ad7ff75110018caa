/// What a snapshot restore leaves behind unless asked: the cluster's global state. A restore's `include_global_state`
/// defaults to false, so index templates, ingest pipelines, ILM policies and persistent settings stay on the source
/// (Elasticsearch docs, "Restore indices from a snapshot": "By default, include_global_state is false… If true, the
/// snapshot's persistent settings, index templates, ingest pipelines, and ILM policies are restored into the current
/// cluster", https://www.elastic.co/guide/en/elasticsearch/reference/7.7/snapshots-restore-snapshot.html). Without them
/// the first new daily index on EKS gets dynamic mappings instead of its template's, documents sent to a pipeline are
/// refused, and nothing rolls over.
///
/// The initial restore, on the fresh EKS cluster before anything writes into it, takes the global state; the final one
/// (over closed indices, at the promotion) does not, so nothing EKS set up in between is replaced. From 7.12 a global
/// state restore also restores every feature state (the security, Kibana… system indices) unless `feature_states` is
/// `["none"]` (Elasticsearch docs, restore snapshot API, `feature_states`,
/// https://www.elastic.co/guide/en/elasticsearch/reference/7.17/restore-snapshot-api.html): EKS keeps its own users
/// (ECK's `elastic` password). Where the version is unknown neither form is safe to send, so the restore takes indices
/// only and the gate below fails with what to do.
struct ElasticsearchGlobalState {
    var snapshot: ElasticsearchSnapshot

    /// Whether this version takes `feature_states` (Elasticsearch 7.12 and later; OpenSearch has none); nil when unknown.
    var takesFeatureStates: Bool? {
        if snapshot.product == "opensearch" { return false }
        return snapshot.version.map { $0.major > 7 || ($0.major == 7 && $0.minor >= 12) }
    }

    /// Whether this version has ILM policies to compare (Elasticsearch 6.6 and later, not the OSS distribution, which has
    /// no X-Pack; OpenSearch's ISM is a plugin's).
    var hasILM: Bool {
        guard snapshot.product == "elasticsearch", let version = snapshot.version,
              !snapshot.workload.containers.contains(where: { $0.image?.lowercased().contains("elasticsearch-oss") == true }) else { return false }
        return version.major > 6 || (version.major == 6 && version.minor >= 6)
    }

    /// The initial restore's body: regular indices, with the global state where the version is known.
    var initialRestoreBody: String {
        switch takesFeatureStates {
        case true?: return "{\"indices\": \"*,-.*\", \"include_global_state\": true, \"feature_states\": [\"none\"]}"
        case false?: return "{\"indices\": \"*,-.*\", \"include_global_state\": true}"
        case nil: return "{\"indices\": \"*,-.*\"}"
        }
    }

    /// Sets `<SIDE>_NAMES` to the names of one kind of global object on one side, one per line. The API's answer is read
    /// into a variable first (a failed kubectl piped into jq left the pipe's status 0), then jq reads its JSON object's
    /// keys: an empty answer or one that is not JSON fails. `_cat/templates` lists legacy and composable templates alike.
    private func names(_ side: Kubectl.Side, _ kind: String) -> String {
        let variable = side == .source ? "SOURCE" : "EKS"
        let path = kind == "templates" ? "_cat/templates?h=name&s=name" : kind == "pipelines" ? "_ingest/pipeline" : "_ilm/policy"
        let read = "\(variable)_RAW=$(" + DataCopy.exec(snapshot.workload, on: side, "curl -fsS 'localhost:9200/\(path)'") + ")"
        if kind == "templates" { return read + " && \(variable)_NAMES=$\(variable)_RAW" }
        return read + " && test -n \"$\(variable)_RAW\" && \(variable)_NAMES=$(printf '%s' \"$\(variable)_RAW\" | jq -r 'keys[]')"
    }

    /// Fails unless every index template, ingest pipeline (and ILM policy) of the source is on EKS, by name: after the
    /// initial restore, and again before the promotion (one created on the source since is copied by hand).
    func gate() -> [String] {
        guard takesFeatureStates != nil else {
            return ["{ echo " + ShellQuote.word("decision: \(snapshot.versionText) on \(snapshot.workload.label): the restore took indices only, so its index templates, ingest pipelines and ILM policies are not on EKS. Restore them with include_global_state (and \"feature_states\": [\"none\"] from 7.12, so EKS keeps its own users), or copy each (GET _index_template, _template, _ingest/pipeline, _ilm/policy from the source, PUT on EKS), then mark this item done by hand") + " >&2; false; }"]
        }
        let kinds = ["templates", "pipelines"] + (hasILM ? ["ILM policies"] : [])
        return ["# the source's index templates, ingest pipelines\(hasILM ? " and ILM policies" : "") are on EKS (restored with the global state)"] + kinds.map { kind in
            "{ " + names(.source, kind) + " && " + names(.eks, kind) + " && MISSING=$(comm -23 <(printf '%s\\n' \"$SOURCE_NAMES\" | sort -u) <(printf '%s\\n' \"$EKS_NAMES\" | sort -u)) && test -z \"$MISSING\"; } || { echo "
                + ShellQuote.word("\(kind) of the source are missing on EKS (or could not be read): restore the global state of the initial snapshot again, or create them on EKS, then re-run") + " >&2; printf '%s\\n' \"${MISSING:-}\" >&2; false; }"
        }
    }

    /// After a global state restore, EKS holds the source's persistent cluster settings: shown for a decision.
    var settingsReview: [String] {
        guard takesFeatureStates != nil else { return [] }
        return [ShellQuote.comment("decision: the global state brought the source's persistent cluster settings: reset on EKS any that do not fit it (allocation awareness attributes, remote clusters, monitoring exporters or hosts on premises):"),
                DataCopy.exec(snapshot.workload, on: .eks, "curl -fsS 'localhost:9200/_cluster/settings?flat_settings=true'")]
    }
}

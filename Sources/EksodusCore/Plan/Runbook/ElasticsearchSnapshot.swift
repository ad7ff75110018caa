/// An Elasticsearch (or OpenSearch) cluster's move to EKS: both sides register one S3 snapshot repository, an initial
/// snapshot is restored on EKS while the source serves, and a final one once the source is write-blocked.
///
/// What the S3 repository needs depends on the version the image runs (read from its tag):
/// - before 8.0 it is the `repository-s3` plugin, on every node, installed in the image (a plugin installed in a running
///   container is gone at its restart); from 8.0 it is a bundled module (Elastic plugin docs, "S3 repository plugin":
///   "now included in Elasticsearch", https://www.elastic.co/guide/en/elasticsearch/plugins/8.19/repository-s3.html;
///   ECK docs, "Create automated snapshots": "bundled in Elasticsearch by default from version 8.0").
///   OpenSearch ships it as a plugin to install.
/// - the on-premises source has no IAM role: access keys go into every node's keystore, through stdin, never on a
///   command line (`s3.client.default.access_key` / `secret_key`, secure settings reloaded by
///   `_nodes/reload_secure_settings`; Elasticsearch docs, "S3 repository", client settings,
///   https://www.elastic.co/guide/en/elasticsearch/reference/8.3/repository-s3.html).
/// - on EKS, an IAM role for the pods' service account is read from 8.1 on only (ECK docs, snapshots: "an Elasticsearch
///   cluster running at least version 8.1"); older versions take keys in the keystore there too.
struct ElasticsearchSnapshot {
    var workload: Estate.Workload

    /// `elasticsearch` or `opensearch`, the CLI tools' prefix.
    var product: String
    /// The image's version as (major, minor), nil when its tag gives none (`latest`, a digest, no tag).
    var version: (major: Int, minor: Int)?

    init(workload: Estate.Workload) {
        self.workload = workload
        let image = workload.containers.compactMap(\.image).first { $0.lowercased().contains("opensearch") || $0.lowercased().contains("elasticsearch") }
            ?? workload.containers.compactMap(\.image).first ?? ""
        product = image.lowercased().contains("opensearch") ? "opensearch" : "elasticsearch"
        version = Self.version(ofImage: image)
    }

    /// `…/elasticsearch:7.17.9` → (7, 17); the tag's leading numbers, nil without them.
    static func version(ofImage image: String) -> (major: Int, minor: Int)? {
        let withoutDigest = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
        let lastPart = withoutDigest.split(separator: "/").last.map(String.init) ?? withoutDigest
        guard let colon = lastPart.lastIndex(of: ":") else { return nil }
        let numbers = lastPart[lastPart.index(after: colon)...].split(separator: "-").first?.split(separator: ".").map { Int($0) } ?? []
        guard let major = numbers.first ?? nil else { return nil }
        return (major, numbers.count > 1 ? numbers[1] ?? 0 : 0)
    }

    /// Whether `repository-s3` is a plugin to install (Elasticsearch before 8.0, OpenSearch); nil when the version is unknown.
    var needsPlugin: Bool? {
        if product == "opensearch" { return true }
        return version.map { $0.major < 8 }
    }

    /// Whether the EKS pods can use an IAM role for their service account (Elasticsearch 8.1 and later).
    var readsServiceAccountRole: Bool {
        guard product == "elasticsearch", let version else { return false }
        return version.major > 8 || (version.major == 8 && version.minor >= 1)
    }

    var versionText: String {
        version.map { "\(product == "opensearch" ? "OpenSearch" : "Elasticsearch") \($0.major).\($0.minor)" } ?? "an image whose tag gives no version"
    }

    /// Whether a copy is filled by snapshot restores until its promotion (the engine's own path, not a Velero restore):
    /// whatever writes into it before then collides with the final restore, which refuses an open index of the same name
    /// (Elasticsearch docs, restore snapshot API: an existing index must be closed, and match the snapshot's shards).
    static func restoredUntilPromotion(_ copy: DataCopy) -> Bool { copy.engine == "elasticsearch" || copy.engine == "opensearch" }

    var isStatefulSet: Bool { workload.kind == "StatefulSet" }
    var count: Int { max(workload.replicas ?? 1, 1) }

    /// A loop over the workload's pods on one side (a StatefulSet's by ordinal, others' by label), piping `stdin` (when
    /// given) into `arguments` in each. `exit` leaves the subshell only: the loop fails at the first pod that fails, or when
    /// none is found.
    func eachPod(on side: Kubectl.Side, _ arguments: String, stdin: String? = nil) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        let pipe = stdin.map { $0 + " | " } ?? "", interactive = stdin == nil ? "" : "-i "
        if isStatefulSet {
            return "( for i in $(seq 0 \(count - 1)); do " + pipe + kubectl("exec " + interactive + ShellQuote.word("pod/\(workload.name)-") + "\"$i\" -- " + arguments) + " || exit 1; done )"
        }
        guard let selector = LabelSelector.matching(workload.templateLabels) else {
            return ShellQuote.comment("in every pod of \(workload.label) (its labels make no selector): " + pipe + "kubectl exec " + interactive + "POD -- " + arguments)
        }
        return "( { PODS=$(" + kubectl("get pods -l \(ShellQuote.word(selector)) -o name") + ") && test -n \"$PODS\"; } || exit 1; for pod in $PODS; do "
            + pipe + kubectl("exec " + interactive + "\"$pod\" -- " + arguments) + " || exit 1; done )"
    }

    /// Fails unless every node of one side still holds both S3 keys in its keystore. The keystore is a file in the
    /// container's config directory, not on a volume: a pod restarted since the keys went in starts without them, and
    /// `_nodes/reload_secure_settings` only re-reads each node's keystore file as it is (Elasticsearch docs, "Secure
    /// settings", reloadable secure settings; https://www.elastic.co/guide/en/elasticsearch/reference/7.17/secure-settings.html),
    /// so such a node fails every snapshot (or restore) of its shards.
    func keystoreCheck(on side: Kubectl.Side) -> [String] {
        let script = "keys=$(\(product)-keystore list) && printf '%s\\n' \"$keys\" | grep -qx s3.client.default.access_key && printf '%s\\n' \"$keys\" | grep -qx s3.client.default.secret_key"
        let loop = eachPod(on: side, "sh -c " + ShellQuote.word(script))
        if loop.hasPrefix("#") { return [loop] }
        let name = side == .source ? "SOURCE" : "EKS"
        return ["# shellcheck disable=SC2016  # $keys expands in the pod",
                "{ " + loop + "; } || { echo " + ShellQuote.word("a node \(side == .source ? "of the source" : "on EKS") has lost its S3 keys (restarted since they went in?), or did not answer: set \(name)_S3_ACCESS_KEY_ID and \(name)_S3_SECRET_ACCESS_KEY and re-run the keystore lines of the data step (add, then _nodes/reload_secure_settings)") + " >&2; false; }"]
    }

    /// The keystore's S3 keys on every node of one side, from `$<PREFIX>_S3_ACCESS_KEY_ID` / `_SECRET_ACCESS_KEY` (stdin
    /// only), then the secure settings reloaded.
    func keystore(on side: Kubectl.Side) -> [String] {
        let prefix = side == .source ? "SOURCE" : "EKS"
        return ["{ test -n \"${\(prefix)_S3_ACCESS_KEY_ID:-}\" && test -n \"${\(prefix)_S3_SECRET_ACCESS_KEY:-}\"; } || { echo 'set \(prefix)_S3_ACCESS_KEY_ID and \(prefix)_S3_SECRET_ACCESS_KEY first' >&2; false; }",
                eachPod(on: side, "\(product)-keystore add --stdin --force s3.client.default.access_key", stdin: "printf '%s' \"$\(prefix)_S3_ACCESS_KEY_ID\""),
                eachPod(on: side, "\(product)-keystore add --stdin --force s3.client.default.secret_key", stdin: "printf '%s' \"$\(prefix)_S3_SECRET_ACCESS_KEY\""),
                DataCopy.exec(workload, on: side, "curl -fsS -XPOST localhost:9200/_nodes/reload_secure_settings")]
    }

    /// Fails unless every node of one side lists `repository-s3` among its plugins (and at least one node answers).
    func pluginCheck(on side: Kubectl.Side) -> [String] {
        ["# shellcheck disable=SC2016  # $n and $p expand in the pod",
         DataCopy.exec(workload, on: side, "n=$(curl -fsS 'localhost:9200/_cat/nodes?h=name' | wc -l); p=$(curl -fsS 'localhost:9200/_cat/plugins?h=component' | grep -cx repository-s3); test \"$n\" -gt 0 && test \"$p\" -eq \"$n\"")
            + " || { echo " + ShellQuote.word("repository-s3 is missing on a node \(side == .source ? "of the source" : "on EKS") (or the cluster did not answer): add it to the image and roll the pods") + " >&2; false; }"]
    }

    /// Registers the bucket as the `eksodus` repository on one side. $SNAPSHOT_BUCKET expands on the engineer's machine
    /// (execDirect), not in the pod. Registering verifies that every node reaches the bucket: it fails without the plugin,
    /// the credentials or a route to S3.
    func register(on side: Kubectl.Side, readonly: Bool) -> String {
        DataCopy.execDirect(workload, on: side, "curl -fsS -XPUT localhost:9200/_snapshot/eksodus -H 'Content-Type: application/json' -d \"{\\\"type\\\":\\\"s3\\\",\\\"settings\\\":{\\\"bucket\\\":\\\"$SNAPSHOT_BUCKET\\\""
            + (readonly ? ",\\\"readonly\\\":true" : "") + "}}\"")
    }

    /// Fails unless every node of one side reaches the repository (`_verify` names the nodes that did; none, a failure or
    /// no answer is no pass). A read-only repository is verified by reading its metadata on the nodes, not by writing.
    func verifyRepository(on side: Kubectl.Side) -> String {
        "{ VERIFIED=$(" + DataCopy.exec(workload, on: side, "curl -fsS -XPOST localhost:9200/_snapshot/eksodus/_verify") + ") && printf '%s' \"$VERIFIED\" | grep -q '\"name\"'; } || { echo "
            + ShellQuote.word("the nodes \(side == .source ? "of the source" : "on EKS") could not verify the snapshot repository (or did not answer): check the keys, the plugin and the route to S3") + " >&2; false; }"
    }

    /// Fails unless EKS holds the repository read-only: two clusters writing one repository corrupt it.
    var eksReadsOnly: String {
        "{ REPOSITORY=$(" + DataCopy.exec(workload, on: .eks, "curl -fsS localhost:9200/_snapshot/eksodus") + ") && printf '%s' \"$REPOSITORY\" | grep -Eq '\"readonly\":\"?true'; } || { echo "
            + ShellQuote.word("EKS does not hold the snapshot repository read-only (or did not answer): register it with \"readonly\": true before going on") + " >&2; false; }"
    }

    /// One writer per repository (Elasticsearch docs, "Register a snapshot repository": with several clusters on one
    /// repository "only one cluster should have write access", the others register it readonly;
    /// https://www.elastic.co/guide/en/elasticsearch/reference/7.10/snapshots-register-repository.html, and "Diagnosing
    /// corrupted repositories"): the source writes the snapshots, EKS reads them until the promotion.
    func replicate() -> [String] {
        var commands: [String] = []
        switch needsPlugin {
        case true?:
            commands += [ShellQuote.comment("\(versionText) needs the repository-s3 plugin on every node of both sides: build both images with `\(product)-plugin install --batch repository-s3` and roll the pods (installed in a running container, it is lost at the restart)"),
] + pluginCheck(on: .source) + pluginCheck(on: .eks)
        case false?: commands.append(ShellQuote.comment("\(versionText) bundles the S3 repository as a module: no plugin to install"))
        case nil: commands.append(ShellQuote.comment("\(versionText): before Elasticsearch 8.0 the repository-s3 plugin must be in both images, on every node (check with _cat/plugins)"))
        }
        commands.append("# decision: if the source's nodes cannot reach S3 (no egress to the bucket's endpoint), choose another path before going on (a proxy for S3, or reindex from remote on EKS)")
        commands.append("# the source has no IAM role: set SOURCE_S3_ACCESS_KEY_ID and SOURCE_S3_SECRET_ACCESS_KEY (a key limited to the bucket) in your shell; they reach each node's keystore through stdin")
        commands += keystore(on: .source)
        commands.append(ShellQuote.comment("decision: the keys live in config/\(product).keystore inside each container, not on a volume: a pod that restarts before the promotion starts without them and fails its snapshots; the promotion checks every node's keystore first. To make them last, build the keystore from a Secret at each start (an init container running \(product)-keystore create and add --stdin into the config directory; ECK's secureSettings does this)"))
        if readsServiceAccountRole {
            commands.append(ShellQuote.comment("EKS: no keys; the pods' service account gets an IAM role allowed on the bucket (IRSA, \(versionText) reads it through config/repository-s3/aws-web-identity-token-file, a link to $AWS_WEB_IDENTITY_TOKEN_FILE)"))
        } else {
            commands.append(ShellQuote.comment("EKS: " + (version == nil ? "the version is unknown, and before 8.1 Elasticsearch reads" : "\(versionText) reads")
                + " no IAM role for service accounts: set EKS_S3_ACCESS_KEY_ID and EKS_S3_SECRET_ACCESS_KEY for its keystore too"))
            commands += keystore(on: .eks)
        }
        return commands + [
            register(on: .source, readonly: false), register(on: .eks, readonly: true) + "  # the source is the repository's only writer",
            verifyRepository(on: .source), verifyRepository(on: .eks), eksReadsOnly,
            take(on: .source, name: "SNAPSHOT=initial") + "  # kept when a re-run finds it taken; a failed one is taken again",
            // With the global state on the fresh cluster (ElasticsearchGlobalState): templates, pipelines, ILM policies.
            DataCopy.exec(workload, on: .eks, "curl -fsS -XPOST \"localhost:9200/_snapshot/eksodus/initial/_restore?wait_for_completion=true\" -H 'Content-Type: application/json' -d '\(globalState.initialRestoreBody)'")]
            + globalState.gate() + globalState.settingsReview
    }

    var globalState: ElasticsearchGlobalState { ElasticsearchGlobalState(snapshot: self) }
    var indexCreation: ElasticsearchIndexCreationFreeze { ElasticsearchIndexCreationFreeze(snapshot: self) }

    func verify() -> [String] {
        [DataCopy.exec(workload, on: .source, "curl -fsS localhost:9200/_cat/indices?v"), DataCopy.exec(workload, on: .eks, "curl -fsS localhost:9200/_cat/indices?v")]
    }

    /// The write block on the regular indices only: the cluster's own system (dot) indices keep taking its writes.
    /// The freeze also names the final snapshot (`Run`): one per freeze, every re-run of the promotion reading it.
    /// New indices are stopped first (`ElasticsearchIndexCreationFreeze`), so none appears between the block and the snapshot.
    func freeze() -> (commands: [String], rollback: [String]) {
        (indexCreation.freeze()
            + [DataCopy.exec(workload, on: .source, "curl -fsS -XPUT 'localhost:9200/*,-.*/_settings' -H 'Content-Type: application/json' -d '{\"index.blocks.write\": true}'"),
               finalRun.named + "  # the final snapshot's name, for this freeze"],
         ["rm -f " + ShellQuote.word(finalRun.file) + "  # the next freeze names a new final snapshot",
          DataCopy.exec(workload, on: .source, "curl -fsS -XPUT 'localhost:9200/*,-.*/_settings' -H 'Content-Type: application/json' -d '{\"index.blocks.write\": false}'")]
            + indexCreation.rollback())
    }

    /// Each index's document count, one `index count` line per index sorted by name, after a refresh; the dot-prefixed
    /// system indices each side keeps for itself are left out.
    static let counts = "curl -fsS -XPOST 'localhost:9200/_refresh' >/dev/null && curl -fsS 'localhost:9200/_cat/indices/*,-.*?h=index,docs.count&s=index'"

    /// The restore of `$SNAPSHOT` (expanded on the engineer's machine): the regular indices, without the write block.
    static let restore = "curl -fsS -XPOST \"localhost:9200/_snapshot/eksodus/$SNAPSHOT/_restore?wait_for_completion=true\" -H 'Content-Type: application/json' -d '{\"indices\": \"*,-.*\", \"ignore_index_settings\": [\"index.blocks.write\"]}'"

    func promote() -> [String] {
        // The source is write-blocked, not stopped: its final snapshot holds every write, and the freeze's
        // `index.blocks.write` with it. A restore brings index settings back unless told to ignore them (Elasticsearch docs,
        // restore snapshot API, `ignore_index_settings`; https://www.elastic.co/guide/en/elasticsearch/reference/7.8/restore-snapshot-api.html):
        // without it, EKS's indices would refuse writes once promoted. The EKS copies are closed before the restore replaces
        // them, by name: from 8.0 `action.destructive_requires_name` refuses `_all` and wildcards for a close. Both sides'
        // own system (dot) indices are neither closed nor restored.
        let restore = finalRun.read("the freeze step") + " && { " + DataCopy.execDirect(workload, on: .eks, Self.restore) + "; }"
        let close = "names=$(curl -fsS 'localhost:9200/_cat/indices/*,-.*?h=index' | paste -sd, -) && test -n \"$names\" && curl -fsS -XPOST \"localhost:9200/$names/_close\""
        let source = DataCopy.exec(workload, on: .source, Self.counts), eks = DataCopy.exec(workload, on: .eks, Self.counts)
        let blocks = DataCopy.exec(workload, on: .eks, "curl -fsS 'localhost:9200/_all/_settings/index.blocks.write?flat_settings=true'")
        let keys = keystoreCheck(on: .source) + (readsServiceAccountRole ? [] : keystoreCheck(on: .eks))
        return keys + [verifyRepository(on: .source), verifyRepository(on: .eks), eksReadsOnly, indexCreation.everyIndexBlocked]
            + globalState.gate()
            + [take(on: .source, name: finalRun.read("the freeze step")) + "  # kept when a re-run finds it taken; a failed or partial one is taken again",
                succeeded(finalRun, on: .eks),
                "# shellcheck disable=SC2016  # $names expands in the pod",
                DataCopy.exec(workload, on: .eks, close),
                restore,
                "{ BLOCKS=$(" + blocks + ") && test -n \"$BLOCKS\" && ! printf '%s' \"$BLOCKS\" | grep -q '\"index.blocks.write\":\"true\"'; } || { echo 'an index on EKS is still write-blocked (or its settings could not be read)' >&2; false; }",
                // A failed count names a new final snapshot: the re-run takes one that holds what the source has now,
                // not the SUCCESS one taken before whatever wrote past the freeze was stopped.
                "{ SOURCE_COUNTS=$(" + source + ") && EKS_COUNTS=$(" + eks + ") && test -n \"$SOURCE_COUNTS\" && test \"$SOURCE_COUNTS\" = \"$EKS_COUNTS\"; } || { "
                    + finalRun.named + "; printf 'document counts differ (or could not be read): do not promote; a new final snapshot is named, so a re-run takes it afresh (stop what still writes on the source first)\\nsource:\\n%s\\nEKS:\\n%s\\n' \"${SOURCE_COUNTS:-}\" \"${EKS_COUNTS:-}\" >&2; false; }",
                // EKS takes the repository over for its own snapshots: the source lets go of it first (unregistering
                // leaves the snapshots in the bucket; Elasticsearch docs, delete snapshot repository API), so that no
                // moment has two writers.
                "# EKS becomes the repository's writer (its own snapshots from now on): the source unregisters it first, the snapshots stay in the bucket",
                DataCopy.exec(workload, on: .source, "curl -fsS -XDELETE localhost:9200/_snapshot/eksodus"),
                register(on: .eks, readonly: false),
                verifyRepository(on: .eks)]
    }

    /// Undoing the promotion: EKS took writes since, so they come back the way the data went, with one writer at a time.
    /// EKS's indices are write-blocked and snapshotted by EKS (the repository's writer since the promotion), EKS lets go
    /// of the repository, the source registers it again as its writer, closes its indices by name and restores that
    /// snapshot without EKS's write block; the counts must then match before the source's own freeze lifts.
    func unpromote(liftSourceFreeze: [String]) -> [String] {
        let block = "curl -fsS -XPUT 'localhost:9200/*,-.*/_settings' -H 'Content-Type: application/json' -d '{\"index.blocks.write\": true}'"
        let close = "names=$(curl -fsS 'localhost:9200/_cat/indices/*,-.*?h=index' | paste -sd, -) && test -n \"$names\" && curl -fsS -XPOST \"localhost:9200/$names/_close\""
        let restore = rollbackRun.read("the EKS write block above") + " && { " + DataCopy.execDirect(workload, on: .source, Self.restore) + "; }"
        let source = DataCopy.exec(workload, on: .source, Self.counts), eks = DataCopy.exec(workload, on: .eks, Self.counts)
        return [DataCopy.writesOnEKS,
                DataCopy.exec(workload, on: .eks, block) + "  # EKS takes no more writes",
                rollbackRun.named + "  # the rollback snapshot's name, for this write block",
                take(on: .eks, name: rollbackRun.read("the EKS write block above")) + "  # kept when a re-run finds it taken; a failed or partial one is taken again",
                succeeded(rollbackRun, on: .eks),
                DataCopy.exec(workload, on: .eks, "curl -fsS -XDELETE localhost:9200/_snapshot/eksodus") + "  # EKS lets go of the repository before the source writes to it again",
                register(on: .source, readonly: false),
                verifyRepository(on: .source),
                "# shellcheck disable=SC2016  # $names expands in the pod",
                DataCopy.exec(workload, on: .source, close),
                restore,
                "{ SOURCE_COUNTS=$(" + source + ") && EKS_COUNTS=$(" + eks + ") && test -n \"$SOURCE_COUNTS\" && test \"$SOURCE_COUNTS\" = \"$EKS_COUNTS\"; } || { printf 'document counts differ (or could not be read): the source does not hold what EKS took, keep its freeze\\nsource:\\n%s\\nEKS:\\n%s\\n' \"${SOURCE_COUNTS:-}\" \"${EKS_COUNTS:-}\" >&2; false; }"]
            + liftSourceFreeze
    }
}

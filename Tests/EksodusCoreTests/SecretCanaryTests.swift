import Foundation
import XCTest
@testable import EksodusCore

/// Plants unique canary strings wherever manifests carry credentials, runs the whole `eksodus` binary on them
/// (import, assess, plan, images, every listing, every report) and searches every byte it wrote or printed:
/// the database with its WAL and shared-memory files, the output files, standard output and error.
final class SecretCanaryTests: XCTestCase {
    /// The canaries planted, by what they stand for.
    private final class Canaries {
        private(set) var planted: [(label: String, value: String)] = []
        private let run = String(UInt64.random(in: 0..<UInt64.max), radix: 36)

        func make(_ label: String) -> String {
            let value = "CANARY-\(planted.count)-\(run)"
            planted.append((label, value))
            return value
        }

        /// A canary in a token's alphabet (letters and digits), exactly `length` long: what follows a token's prefix
        /// (`ghp_`, `AKIA`), so that the shape is the one a scanner looks for.
        func token(_ label: String, length: Int, upperCase: Bool = false) -> String {
            let letters = "Canary\(planted.count)x\(run)"
            var value = String((letters + String(repeating: "Zq7", count: length)).prefix(length))
            if upperCase { value = value.uppercased() }
            planted.append((label, value))
            return value
        }

        /// A canary that is HTTP Basic credentials: base64 of `ci:` and a canary, planted (and looked for) as that base64.
        func basic(_ label: String) -> String {
            let value = Data("ci:CANARY-\(planted.count)-\(run)".utf8).base64EncodedString()
            planted.append((label, value))
            return value
        }

        /// Each canary with the spellings it may be stored in: as written, and base64 (Secret `data`).
        var needles: [(label: String, bytes: Data)] {
            planted.flatMap { canary in
                [(canary.label, Data(canary.value.utf8)),
                 (canary.label + " (base64)", Data(Data(canary.value.utf8).base64EncodedString().utf8))]
            }
        }
    }

    // MARK: The corpus

    /// One namespace's worth of credential-bearing objects; `form` names the file they go into.
    private func objects(namespace ns: String, form: String, _ canaries: Canaries) -> [[String: Any]] {
        func c(_ what: String) -> String { canaries.make("\(form): \(what)") }
        func t(_ what: String, _ length: Int, upperCase: Bool = false) -> String {
            canaries.token("\(form): \(what)", length: length, upperCase: upperCase)
        }
        let lastApplied = #"{"apiVersion":"v1","kind":"Secret","data":{"k":"\#(c("last-applied-configuration"))"}}"#
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\(c("PEM private key"))\nAb3dEf==\n-----END RSA PRIVATE KEY-----\n"
        let consumer: [String: Any] = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": "orders", "namespace": ns, "labels": ["app": "orders"],
                "annotations": [
                    "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
                    "example.com/database": "postgres://app:\(c("URL in annotation"))@user-db:5432/orders",
                    "example.com/api-token": c("*token* annotation key"),
                ],
            ],
            "spec": [
                "replicas": 2,
                "selector": ["matchLabels": ["app": "orders"]],
                "template": [
                    "metadata": ["labels": ["app": "orders"],
                                 "annotations": ["kubectl.kubernetes.io/last-applied-configuration": lastApplied]],
                    "spec": [
                        "containers": [[
                            "name": "orders", "image": "harbor.corp.local/shop/orders:1.4",
                            "command": ["sh", "-c", "export PGPASSWORD=\(c("PGPASSWORD in sh -c")); exec /app/orders --db postgres://app:\(c("URL in command"))@user-db:5432/orders"],
                            "args": ["--dsn", "postgres://app:\(c("URL in args"))@user-db:5432/orders",
                                     "--password", c("--password value"), "--password=\(c("--password=value"))",
                                     "--client-secret=\(c("--client-secret=value"))", "--admin-password", c("--admin-password value")],
                            "env": [
                                ["name": "DB_PASS", "value": c("env DB_PASS")],
                                ["name": "MYSQL_ROOT_PASSWORD", "value": c("env MYSQL_ROOT_PASSWORD")],
                                ["name": "AWS_SECRET_ACCESS_KEY", "value": c("env AWS_SECRET_ACCESS_KEY")],
                                ["name": "JAVA_OPTS", "value": "-Xmx512m -Dspring.datasource.password=\(c("-D...password= in env"))"],
                                ["name": "USER_DB_HOST", "value": "user-db:27017"],
                            ],
                            "envFrom": [["configMapRef": ["name": "orders-config"]]],
                            "readinessProbe": ["exec": ["command": ["mysqladmin", "ping", "-uroot", "-p\(c("mysqladmin -pVALUE in a probe"))"]]],
                        ], [
                            "name": "fetch", "image": "curlimages/curl:8.10.1",
                            "command": ["sh", "-c", "curl -fsS -u ci:\(c("curl -u in sh -c")) https://repo.corp.local/a.tgz -o /tmp/a.tgz"
                                        + " && curl --user 'ci:\(c("curl --user in sh -c"))' https://repo.corp.local/b"
                                        + " && wget --password=\(c("wget --password= in sh -c")) --http-password \(c("wget --http-password in sh -c")) https://repo.corp.local/c"
                                        + " && aws configure set aws_secret_access_key \(t("aws configure set aws_secret_access_key", 40))"],
                            "args": ["curl", "-u", "ci:\(c("curl -u item"))", "--user", "ci:\(c("curl --user item"))",
                                     "--proxy-user=proxy:\(c("curl --proxy-user= item"))", "https://repo.corp.local/d"],
                            "env": [
                                ["name": "GIT_REMOTE", "value": "https://\(t("token as the URL user", 40))@git.corp.local/shop/orders.git"],
                                ["name": "GITHUB_REMOTE", "value": "https://ghp_\(t("ghp_ token as the URL user", 36))@github.com/shop/orders.git"],
                                ["name": "PUSH_REMOTE", "value": "https://x-access-token:\(c("x-access-token:TOKEN@"))@github.com/shop/orders.git"],
                            ],
                        ]],
                    ],
                ],
            ],
        ]
        let provider: [String: Any] = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "user-db", "namespace": ns],
            "spec": ["selector": ["matchLabels": ["app": "user-db"]],
                     "template": ["metadata": ["labels": ["app": "user-db"]],
                                  "spec": ["containers": [["name": "mongo", "image": "mongo:7.0"]]]]],
        ]
        let service: [String: Any] = [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "user-db", "namespace": ns],
            "spec": ["selector": ["app": "user-db"], "ports": [["port": 27017]]],
        ]
        let configMap: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "orders-config", "namespace": ns,
                         "annotations": ["kubectl.kubernetes.io/last-applied-configuration": lastApplied]],
            "data": [
                "DATABASE_URL": "postgres://app:\(c("URL in ConfigMap"))@user-db:5432/orders",
                "ORDERS_DB_PASSWORD": c("*_PASSWORD ConfigMap key"),
                "app.properties": "db.host=user-db\ndb.password=\(c(".properties password="))\ndb.pool=8\n",
                "app.ini": "[db]\nhost = user-db\npassword = \(c(".ini password ="))\n",
                "config.yaml": "database:\n  host: user-db\n  password: \(c("YAML config password:"))\n",
                "config.json": #"{"database": {"host": "user-db", "password": "\#(c("JSON config password"))"}}"#,
                "tls.key": pem,
                "app.env": "DB_HOST=user-db\nDB_PASS=\(c(".env DB_PASS="))\n",
                "settings.xml": "<settings><servers><server><id>repo</id><password>\(c("XML <password>"))</password></server></servers></settings>",
            ],
        ]
        let secret: [String: Any] = [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": ["name": "orders-db", "namespace": ns,
                         "annotations": ["kubectl.kubernetes.io/last-applied-configuration": lastApplied]],
            "data": ["password": Data(c("Secret data").utf8).base64EncodedString()],
            "stringData": ["api-token": c("Secret stringData")],
        ]
        let tiller: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "shop.v3", "namespace": ns,
                         "labels": ["NAME": "shop", "OWNER": "TILLER", "STATUS": "DEPLOYED", "VERSION": "3"]],
            "data": ["release": "H4sIAAAAAAAC/" + c("Helm 2 Tiller release")],
        ]
        let credentialFiles: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "credential-files", "namespace": ns,
                         "annotations": ["example.com/notes": "alerts go to xoxb-1234567890-\(t("Slack xoxb- in an annotation", 24))"]],
            "data": [
                ".pgpass": "# host:port:db:user:password\nuser-db:5432:orders:app:\(c(".pgpass password"))\n*:*:*:replica:\(c(".pgpass second line"))\n",
                ".netrc": "machine git.corp.local\n  login ci\n  password \(c(".netrc password"))\nmachine nexus.corp.local login ci password \(c(".netrc one line"))\n",
                ".git-credentials": "https://ci:\(c(".git-credentials password"))@git.corp.local\nhttps://\(t(".git-credentials token user", 40))@github.com\n",
                ".dockerconfigjson.json": #"{"auths": {"registry.corp.local": {"auth": "\#(c("docker config auth"))"}, "ghcr.io": {"identitytoken": "\#(c("docker config identitytoken"))"}}}"#,
                "app.conf": "listen:8080\nupstream:user-db:5432\npassword:\(c("password:value .conf line"))\n",
                "lists.json": #"{"passwords": ["\#(c("JSON list under passwords 1"))", "\#(c("JSON list under passwords 2"))"], "credentials": {"user": "\#(c("JSON object under credentials"))", "secret": "\#(c("JSON object under credentials, secret"))"}}"#,
                "flow.yaml": "apiTokens: [\(c("YAML flow list under apiTokens 1")), \(c("YAML flow list under apiTokens 2"))]\nhost: user-db\n",
                "notes.txt": "deploy with ghp_\(t("GitHub ghp_", 36)) or gho_\(t("GitHub gho_", 36)) or github_pat_\(t("GitHub github_pat_", 82))\n"
                    + "mirror glpat-\(t("GitLab glpat-", 20)), billing sk_live_\(t("Stripe sk_live_", 24)), maps AIza\(t("Google AIza", 35))\n"
                    + "aws AKIA\(t("AWS access key ID", 16, upperCase: true)) \(t("AWS secret key after its key ID", 40))\n",
                "service-account.json": #"{"type": "service_account", "pk": "-----BEGIN PRIVATE KEY-----\nMIIEv\#(c("PEM in a JSON string, escaped newlines"))\n-----END PRIVATE KEY-----\n"}"#,
                "downloads.txt": "s3 https://b.s3.eu-west-1.amazonaws.com/k.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(c("X-Amz-Credential"))"
                    + "&X-Amz-Security-Token=\(c("X-Amz-Security-Token"))&X-Amz-Signature=\(t("X-Amz-Signature", 64))\n"
                    + "gcs https://storage.googleapis.com/b/o?X-Goog-Credential=\(c("X-Goog-Credential"))&X-Goog-Signature=\(t("X-Goog-Signature", 64))\n"
                    + "blob https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=\(c("Azure SAS sig"))\n"
                    + "cdn https://d1.cloudfront.net/a.mp4?Expires=1790000000&Signature=\(c("CloudFront Signature"))&Key-Pair-Id=K2JCJMDEHXQW5F\n"
                    + "upstream header: Basic \(canaries.basic("bare Basic credentials"))\n",
                "ordinary.yaml": Self.ordinaryText,
                "passfile": "user-db:5432:orders:app:\(c(".pgpass line under another key"))\n",
                "setup.sh": "cat > ~/.pgpass <<EOF\nuser-db:5432:*:app:\(c(".pgpass line in a heredoc"))\nEOF\n"
                    + "printf 'default login ci password \(c(".netrc default entry"))' > ~/.netrc\n"
                    + "curl -uci:\(c("curl -uUSER:PASS attached")) https://repo.corp.local/e\n",
                "app.yaml": "passwords:\n  - \(c("YAML block list under passwords 1"))\n  - \(c("YAML block list under passwords 2"))\nhost: user-db\n",
            ],
        ]
        let node: [String: Any] = [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": "worker-\(ns)", "labels": ["kubernetes.io/hostname": "worker-\(ns)", "example.com/api-token": c("Node label under api-token")]],
            "spec": ["taints": [["key": "example.com/api-token", "value": c("Node taint under api-token"), "effect": "NoSchedule"]]],
        ]
        return [consumer, provider, service, configMap, secret, tiller, credentialFiles, node]
    }

    /// Text that looks near a credential but holds none: it must be stored as written.
    private static let ordinaryText = """
        affinity:
          topologyKey: kubernetes.io/hostname
        passwordPolicy: strict
        tokenTTL: 3600
        image: harbor.corp.local/shop/orders@sha256:0b9f0c3e5d2a4b6c8e1f3a5b7c9d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d
        sidecar: vault-secret:1.2.3
        upstream: user-db:5432
        docs: https://docs.corp.local/orders?page=2&design=sig&signal=on#setup
        tier: Basic plan, basic auth off
        version: 1.4.2
        chown: docker run -u 1000:1000 --user 1000:1000 python -u http://example.com
        commit: 3f786850e387550fdab836ed7e6dc881de23001b
        listen:8080
        started: 12:30:45 on 00:11:22:33:44:55
        users:
          - alice
        """

    /// The same objects in three forms: multi-document YAML, a YAML `kind: List`, and a JSON `kind: List`.
    private func writeCorpus(in folder: URL, _ canaries: Canaries) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let documents = objects(namespace: "docs", form: "YAML documents", canaries).map { "---\n" + Self.yaml($0, indent: 0) }
        try documents.joined().write(to: folder.appendingPathComponent("documents.yaml"), atomically: true, encoding: .utf8)
        let yamlList: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": objects(namespace: "yaml-list", form: "YAML List", canaries)]
        try Self.yaml(yamlList, indent: 0).write(to: folder.appendingPathComponent("list.yaml"), atomically: true, encoding: .utf8)
        let jsonList: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": objects(namespace: "json-list", form: "JSON List", canaries)]
        try JSONSerialization.data(withJSONObject: jsonList, options: [.prettyPrinted, .sortedKeys])
            .write(to: folder.appendingPathComponent("list.json"))
    }

    /// Block-style YAML: multi-line strings as literal blocks, other strings double-quoted.
    private static func yaml(_ value: Any, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        func scalar(_ value: Any) -> String? {
            switch value {
            case let text as String:
                if text.contains("\n") {
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
                    return "|" + (text.hasSuffix("\n") ? "" : "-") + lines.map { "\n" + pad + "  " + $0 }.joined()
                }
                let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
                return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
            case let number as Int: return String(number)
            default: return nil
            }
        }
        var out = ""
        if let map = value as? [String: Any] {
            for key in map.keys.sorted() {
                let child = map[key]!
                if let text = scalar(child) {
                    out += "\(pad)\(key): \(text)\n"
                } else {
                    out += "\(pad)\(key):\n" + yaml(child, indent: indent + 2)
                }
            }
        } else if let list = value as? [Any] {
            for item in list {
                if let text = scalar(item) {
                    out += "\(pad)- \(text)\n"
                } else {
                    let body = yaml(item, indent: indent + 2)
                    out += "\(pad)- " + body.dropFirst(indent + 2)
                }
            }
        }
        return out
    }

    // MARK: Running the tool

    /// The built `eksodus` beside the test bundle (`.build/<triple>/debug`), or nil.
    private func eksodusBinary() -> URL? {
        var folders = [Bundle(for: Self.self).bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        return folders.map { $0.appendingPathComponent("eksodus") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private struct Run {
        var command: String
        var output: Data
        var status: Int32
    }

    private func run(_ binary: URL, _ arguments: [String], in folder: URL, stdin: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = folder.appendingPathComponent(".run-output")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let data = try Data(contentsOf: output)
        try FileManager.default.removeItem(at: output)
        return Run(command: "eksodus " + arguments.joined(separator: " "), output: data, status: process.terminationStatus)
    }

    /// Looks for every canary in what the tool printed and in every file it wrote under `folder` (the database with
    /// its WAL and shared-memory files, plans, reports), the corpus in `input` aside.
    private final class Search {
        let canaries: Canaries
        let folder: URL
        let input: URL
        private(set) var sightings: [String] = []

        init(_ canaries: Canaries, folder: URL, input: URL) {
            self.canaries = canaries
            self.folder = folder
            self.input = input
        }

        func look(in bytes: Data, _ place: String) {
            for needle in canaries.needles where bytes.range(of: needle.bytes) != nil { sightings.append("\(needle.label) → \(place)") }
        }

        func lookInFiles(_ moment: String) throws {
            let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
            while let url = enumerator?.nextObject() as? URL {
                guard !url.path.hasPrefix(input.path + "/"),
                      (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                look(in: try Data(contentsOf: url), "\(url.path.dropFirst(folder.path.count + 1)) (\(moment))")
            }
        }

        func assertNothingFound(file: StaticString = #filePath, line: UInt = #line) {
            let leaked = Set(sightings.map { $0.components(separatedBy: " → ")[0] })
            XCTAssertTrue(sightings.isEmpty, "\(leaked.count) of \(canaries.planted.count) canaries leaked, \(sightings.count) sightings:\n"
                          + sightings.joined(separator: "\n"), file: file, line: line)
        }
    }

    /// The inventory holds every object, masked, with its Secret keys: three forms in prod, and the JSON List again in `dev`.
    private func assertInventoryComplete(_ database: AppDatabase, clusters: Int) throws {
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource"), (clusters == 2 ? 4 : 3) * 8)
        for body in try strings(database, "SELECT body FROM resource WHERE name = 'credential-files'") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            XCTAssertEqual((object["data"] as? [String: Any])?["ordinary.yaml"] as? String, Self.ordinaryText, "ordinary text was masked")
        }
        XCTAssertEqual(try strings(database, "SELECT DISTINCT kind FROM resource WHERE body LIKE '%' || ? || '%' ORDER BY 1",
                                   [SecretRedaction.marker]), ["ConfigMap", "Deployment", "Node"])
        XCTAssertEqual(try strings(database, "SELECT DISTINCT key FROM config_key JOIN resource r ON r.id = resource_id WHERE r.kind = 'Secret' ORDER BY 1"),
                       ["api-token", "password"])
    }

    /// Redaction keeps what the planner needs: the non-secret env value still links orders to user-db.
    private static let dependencyEvidence = "env USER_DB_HOST=user-db:27017 → Service docs/user-db"

    /// The same run through the library calls the commands make, so that it holds even where the binary is not built.
    func testNoPlantedCanaryReachesTheInventoryOrWhatTheLibraryRenders() throws {
        let folder = try temporaryFolder(self)
        let input = folder.appendingPathComponent("input")
        let canaries = Canaries()
        try writeCorpus(in: input, canaries)
        let search = Search(canaries, folder: folder, input: input)
        func look(_ text: String, _ place: String) { search.look(in: Data(text.utf8), place) }

        try withExtendedLifetime(try AppDatabase.open(path: folder.appendingPathComponent("inventory.db").path)) { database in
            let summary = try importPaths([input.path], cluster: "prod", into: database)
            look(ImportReport.text(summary) + summary.notices.map(\.description).joined(separator: "\n"), "import summary")
            try search.lookInFiles("after import, WAL not checkpointed")
            let reference = try ReferenceData.embedded()
            let target = try XCTUnwrap(KubernetesVersion("1.33"))
            let assessment = try Assessor(database: database, reference: reference).run(target: target, now: fixedNow)
            for format in AssessmentOutput.Format.allCases { look(AssessmentOutput.render(assessment, as: format), "assessment as \(format)") }
            let plan = try TransitionPlanner(database: database, reference: reference)
                .run(PlanRequest(target: target, region: "ap-northeast-2", accountID: "123456789012", now: fixedNow))
            let outline = PlanOutline.text(plan)
            look(outline, "plan outline")
            XCTAssertTrue(outline.contains(Self.dependencyEvidence), outline)
            for config in try plan.eksctlConfigs() { look(config.yaml, "eksctl \(config.file)") }
            for tool in ImageMigration.CopyTool.allCases { look(plan.images.script(tool: tool, generatedAt: "2026-11-22T00:00:00Z"), "\(tool) script") }
            for format in OutputFormat.allCases {
                look(TableRenderer.render(plan.images.table, as: format), "images as \(format)")
                for listing in InventoryQuery.Listing.allCases {
                    look(TableRenderer.render(try InventoryQuery().table(listing, in: database), as: format), "inventory \(listing) as \(format)")
                }
            }
            for format in ReportRenderer.Format.allCases {
                _ = try ReportRenderer(database: database, now: fixedNow).write(.all, format: format, to: folder.appendingPathComponent("reports-\(format)"))
            }
            try search.lookInFiles("all done, WAL not checkpointed")
            try assertInventoryComplete(database, clusters: 1)
        }
        try search.lookInFiles("after the last connection closed")
        search.assertNothingFound()
    }

    func testNoPlantedCanaryIsWrittenOrPrinted() throws {
        guard let binary = eksodusBinary() else { throw XCTSkip("the eksodus binary is not built beside the tests (swift build)") }
        let folder = try temporaryFolder(self)
        let input = folder.appendingPathComponent("input")
        let canaries = Canaries()
        try writeCorpus(in: input, canaries)
        let db = folder.appendingPathComponent("inventory.db").path
        let out = folder.appendingPathComponent("out")

        let search = Search(canaries, folder: folder, input: input)
        var runs: [Run] = []
        func eksodus(_ arguments: String..., stdin: URL? = nil) throws {
            let result = try run(binary, arguments + ["--db", db], in: folder, stdin: stdin)
            runs.append(result)
            search.look(in: result.output, "output of \(result.command)")
        }

        // An open connection keeps the WAL from being checkpointed away between commands.
        try withExtendedLifetime(try AppDatabase.open(path: db)) {
            try eksodus("import", input.path, "--cluster", "prod", "--environment", "prod", "--kubernetes-version", "1.24")
            try eksodus("import", "-", "--cluster", "dev", "--environment", "dev", stdin: input.appendingPathComponent("list.json"))
            XCTAssertTrue(FileManager.default.fileExists(atPath: db + "-wal"), "the WAL should exist while a connection is open")
            try search.lookInFiles("after import, WAL not checkpointed")
            for format in AssessmentOutput.Format.allCases {
                try eksodus("assess", "--target-version", "1.33", "-o", format.rawValue, "--now", "2026-11-22")
            }
            try eksodus("plan", "--target-version", "1.33", "--region", "ap-northeast-2", "--account-id", "123456789012",
                        "--eksctl", out.appendingPathComponent("eksctl").path, "--now", "2026-11-22")
            for tool in ImageMigration.CopyTool.allCases {
                try eksodus("images", "--script", "--tool", tool.rawValue, "--now", "2026-11-22")
            }
            for format in OutputFormat.allCases {
                try eksodus("images", "-o", format.rawValue, "--now", "2026-11-22")
                for listing in InventoryQuery.Listing.allCases {
                    try eksodus("inventory", listing.rawValue, "-o", format.rawValue)
                }
            }
            try eksodus("cutover", "status", "-o", "json")
            for format in ReportRenderer.Format.allCases {
                try eksodus("report", "all", "--format", format.rawValue, "--out", out.appendingPathComponent("reports-\(format.rawValue)").path,
                            "--now", "2026-11-22")
            }
            try search.lookInFiles("all commands run, WAL not checkpointed")
        }
        try search.lookInFiles("after the last connection closed")

        for result in runs where result.status != 0 && !result.command.hasPrefix("eksodus assess") {
            XCTFail("\(result.command) exited \(result.status): \(String(decoding: result.output, as: UTF8.self).prefix(400))")
        }
        try assertInventoryComplete(try AppDatabase.open(path: db), clusters: 2)
        let plan = runs.first { $0.command.hasPrefix("eksodus plan") }.map { String(decoding: $0.output, as: UTF8.self) } ?? ""
        XCTAssertTrue(plan.contains(Self.dependencyEvidence), plan)
        search.assertNothingFound()
    }
}

import Foundation
import XCTest
@testable import EksodusCore

/// Runs the generated image migration script for real, twice: a source registry holding a small multi-platform image,
/// a second registry standing in for ECR, moto answering the aws CLI (through EndToEnd/aws-stub.sh, which answers the
/// pull-through cache rule calls moto lacks), and the real copy tool. Asserts on what the registries hold, not on the script's text.
final class ImageScriptEndToEndTests: XCTestCase {
    private let servers = LoopbackServers()
    private let region = "eu-west-1"
    private let account = "123456789012"

    override func tearDown() {
        servers.stopAll()
        super.tearDown()
    }

    func testSkopeoScriptCopiesEveryImageByDigestAndASecondRunCopiesNothing() throws {
        try migrateTwice(tool: .skopeo)
    }

    func testCraneScriptCopiesEveryImageByDigestAndASecondRunCopiesNothing() throws {
        try migrateTwice(tool: .crane)
    }

    private func migrateTwice(tool: ImageMigration.CopyTool) throws {
        let needed = ["bash", "tar", "gzip", "python3", "skopeo", "docker-registry", "moto_server", "aws"] + (tool == .crane ? ["crane"] : [])
        let missing = needed.filter { executablePath($0) == nil }
        if !missing.isEmpty {
            throw XCTSkip("needs \(missing.joined(separator: ", ")) on PATH (.ci/run installs skopeo and docker-registry; crane is not a Debian package)")
        }
        let folder = try temporaryFolder(self)
        let (source, target) = (try startRegistry("source", in: folder), try startRegistry("target", in: folder))
        let motoPort = try freeLoopbackPort()
        try servers.start([executablePath("moto_server") ?? "", "-H", "127.0.0.1", "-p", String(motoPort)],
                          log: folder.appendingPathComponent("moto.log"), readiness: URL(string: "http://127.0.0.1:\(motoPort)/")!)
        let environment = try scriptEnvironment(folder: folder, motoPort: motoPort, target: target.host)

        // The sample image: an index over two platforms as shop/web:1.0, one platform's manifest as shop/worker:7.
        let layout = try SampleImageLayout(folder: folder.appendingPathComponent("layout"))
        for (reference, destination) in [("multi", "shop/web:1.0"), ("single", "shop/worker:7")] {
            let push = try run(["skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:\(layout.folder.path):\(reference)",
                                "docker://\(source.host)/\(destination)"], environment: environment)
            guard push.status == 0 else { return XCTFail("pushing the sample to \(destination): \(push.output)") }
        }
        let pushed = try source.reader.manifest("shop/web", "1.0")
        XCTAssertEqual(pushed?.digest, layout.indexDigest, "the source registry holds the index as written")

        let plan = try planEstate(images: ["\(source.host)/shop/web:1.0", "\(source.host)/shop/worker@\(layout.singleDigest)", "registry.k8s.io/pause:3.9"])
        let copies = plan.images.entries.filter { $0.method == .copy }
        XCTAssertEqual(copies.count, 2)
        XCTAssertEqual(plan.images.entries.filter { $0.method == .pullThroughCache }.map(\.pullThroughPrefix), ["k8s"])
        let script = folder.appendingPathComponent("migrate-images.sh")
        try plan.images.script(tool: tool, generatedAt: "2026-12-01T00:00:00Z").write(to: script, atomically: true, encoding: .utf8)

        let first = try run(["timeout", "-k", "5", "180", "bash", script.path], environment: environment)
        guard first.status == 0 else { return XCTFail("first run: \(first.output)") }
        for entry in copies {
            var digest = entry.image.digest ?? ""
            if digest.isEmpty { digest = try source.reader.manifest(entry.image.repository, entry.image.tag ?? "latest")?.digest ?? "" }
            XCTAssertTrue(digest.hasPrefix("sha256:"), "\(entry.image.original) has a digest in the source registry")
            try assertComplete(entry.repository, digest, in: target.reader)
            if entry.image.digest == nil, let tag = entry.image.tag {
                let copied = try target.reader.manifest(entry.repository, tag)
                XCTAssertEqual(copied?.digest, digest, "\(entry.repository):\(tag) names the source's manifest")
            }
        }
        XCTAssertEqual(try ecrRepositories(environment), Set(copies.map(\.repository)), "repositories in moto")
        // What the repositories are made with: immutable tags, encryption, and no lifecycle policy (a count rule expired
        // rollback targets and pinned images; plan:ecr leaves the rule to the team); scanning is the registry's; the
        // pull-through prefix has a creation template, without a lifecycle policy either.
        let repositories = try ecrJSON(["describe-repositories"], environment)["repositories"] as? [[String: Any]] ?? []
        for repository in repositories {
            let name = repository["repositoryName"] as? String ?? ""
            XCTAssertEqual(repository["imageTagMutability"] as? String, "IMMUTABLE", name)
            XCTAssertEqual((repository["encryptionConfiguration"] as? [String: Any])?["encryptionType"] as? String, "AES256", name)
            let policy = try run(["aws", "ecr", "get-lifecycle-policy", "--repository-name", name, "--region", region], environment: environment)
            XCTAssertNotEqual(policy.status, 0, "\(name) has no lifecycle policy: \(policy.output)")
            XCTAssertTrue(policy.output.contains("LifecyclePolicyNotFoundException"), policy.output)
        }
        let scanning = try ecrJSON(["get-registry-scanning-configuration"], environment)["scanningConfiguration"] as? [String: Any]
        let scanRules = scanning?["rules"] as? [[String: Any]] ?? []
        XCTAssertEqual(scanRules.map { $0["scanFrequency"] as? String }, ["SCAN_ON_PUSH"])
        XCTAssertEqual(scanRules.flatMap { ($0["repositoryFilters"] as? [[String: String]] ?? []).map { $0["filter"] } }, ["*"])
        let template = try ecrJSON(["describe-repository-creation-templates", "--prefixes", "k8s"], environment)["repositoryCreationTemplates"] as? [[String: String]]
        XCTAssertEqual(template?.first?["imageTagMutability"], "IMMUTABLE")
        XCTAssertEqual(template?.first?["encryptionConfiguration"], "encryptionType=AES256")
        XCTAssertEqual(template?.first?["lifecyclePolicy"], "", "no lifecycle policy for the cached repositories")
        let rules = try run(["aws", "ecr", "describe-pull-through-cache-rules", "--region", region], environment: environment)
        let ruleList = try JSONSerialization.jsonObject(with: Data(rules.output.utf8)) as? [String: [[String: String]]]
        XCTAssertEqual(ruleList?["pullThroughCacheRules"]?.map { [$0["ecrRepositoryPrefix"], $0["upstreamRegistryUrl"]] }, [["k8s", "registry.k8s.io"]])

        // The second run finds everything in place: each copy reported present, nothing written anywhere.
        let before = try snapshot(target, environment: environment)
        let callsBefore = try awsCalls(environment).count
        let second = try run(["timeout", "-k", "5", "180", "bash", script.path], environment: environment)
        guard second.status == 0 else { return XCTFail("second run: \(second.output)") }
        let lines = second.output.split(separator: "\n").map(String.init)
        XCTAssertFalse(lines.contains { $0.hasPrefix("copied") }, second.output)
        for entry in copies {
            XCTAssertEqual(lines.filter { $0.hasPrefix("present") && $0.contains("\(target.host)/\(entry.repository)") }.count, 1,
                           "\(entry.repository) reported present once: \(second.output)")
        }
        let after = try snapshot(target, environment: environment)
        XCTAssertEqual(after.files, before.files, "the target registry's storage is unchanged")
        XCTAssertEqual(after.tags, before.tags)
        XCTAssertEqual(after.repositories, before.repositories, "moto's repositories are unchanged")
        let writes = try awsCalls(environment).dropFirst(callsBefore).filter { call in
            call.contains { argument in ["create-", "put-", "tag-", "delete-", "update-"].contains { argument.hasPrefix($0) } }
        }
        XCTAssertEqual(writes, [], "the second run changed nothing in AWS")

        // The source's tag moves to other bytes: the copy is refused, never written over the immutable tag in ECR.
        let moved = try run(["skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:\(layout.folder.path):single", "docker://\(source.host)/shop/web:1.0"],
                            environment: environment)
        guard moved.status == 0 else { return XCTFail("moving the source tag: \(moved.output)") }
        let third = try run(["timeout", "-k", "5", "180", "bash", script.path], environment: environment)
        XCTAssertNotEqual(third.status, 0, "a moved source tag stops the script: \(third.output)")
        XCTAssertTrue(third.output.contains("ECR tags are immutable"), third.output)
        let web = copies.first { $0.image.tag == "1.0" }?.repository ?? ""
        XCTAssertEqual(try target.reader.manifest(web, "1.0")?.digest, layout.indexDigest, "ECR keeps the index copied first")
    }

    /// One ECR call through the stub, its JSON output.
    private func ecrJSON(_ arguments: [String], _ environment: [String: String]) throws -> [String: Any] {
        let result = try run(["aws", "ecr"] + arguments + ["--region", region], environment: environment)
        XCTAssertEqual(result.status, 0, result.output)
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
    }

    // MARK: Services

    private struct Registry {
        let host: String
        let storage: URL
        var reader: RegistryReader { RegistryReader(base: URL(string: "http://\(host)")!) }
    }

    private func startRegistry(_ name: String, in folder: URL) throws -> Registry {
        let port = try freeLoopbackPort()
        let storage = folder.appendingPathComponent("\(name)-storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("\(name)-registry.yml")
        try """
            version: 0.1
            log: {level: warn, accesslog: {disabled: true}}
            storage: {filesystem: {rootdirectory: "\(storage.path)"}}
            http: {addr: "127.0.0.1:\(port)"}

            """.write(to: config, atomically: true, encoding: .utf8)
        try servers.start([executablePath("docker-registry") ?? "", "serve", config.path], log: folder.appendingPathComponent("\(name)-registry.log"),
                          readiness: URL(string: "http://127.0.0.1:\(port)/v2/")!)
        return Registry(host: "127.0.0.1:\(port)", storage: storage)
    }

    /// The environment the script runs in: the aws stub first on PATH, moto behind the real CLI with dummy credentials,
    /// the target registry in place of ECR, and every credential file inside the test's folder.
    private func scriptEnvironment(folder: URL, motoPort: Int, target: String) throws -> [String: String] {
        let bin = folder.appendingPathComponent("bin"), home = folder.appendingPathComponent("home"), state = folder.appendingPathComponent("aws-stub")
        for made in [bin, home, state] { try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true) }
        let stubSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("EndToEnd/aws-stub.sh")
        let stub = bin.appendingPathComponent("aws")
        try FileManager.default.copyItem(at: stubSource, to: stub)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment.merge([
            "PATH": bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin"),
            "HOME": home.path,
            "REGISTRY_AUTH_FILE": home.appendingPathComponent("auth.json").path,
            "DOCKER_CONFIG": home.appendingPathComponent(".docker").path,
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(motoPort)",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": home.appendingPathComponent("aws-config").path,
            "AWS_SHARED_CREDENTIALS_FILE": home.appendingPathComponent("aws-credentials").path,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_STUB_LOG": folder.appendingPathComponent("aws-calls.log").path,
            "AWS_STUB_STATE": state.path,
            "AWS_STUB_REAL": executablePath("aws") ?? "aws",
            "EKSODUS_REGISTRY": target,
            "EKSODUS_INSECURE_REGISTRIES": "1",
        ]) { _, new in new }
        return environment
    }

    // MARK: Estate

    /// Imports a Deployment running `images` and plans it through the library, as `eksodus plan` does.
    private func planEstate(images: [String]) throws -> TransitionPlan {
        let containers = images.enumerated().map { "      - {name: c\($0.offset), image: \"\($0.element)\"}" }.joined(separator: "\n")
        let folder = try writeManifests(["shop.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
            \(containers)

            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "onprem", into: database)
        let request = PlanRequest(target: KubernetesVersion(major: 1, minor: 33), region: region, accountID: account, now: fixedNow)
        return try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request)
    }

    // MARK: Checks

    /// The manifest `digest` is in `repository` with the same bytes, and so is everything it references: child manifests, config and layers.
    private func assertComplete(_ repository: String, _ digest: String, in reader: RegistryReader) throws {
        guard let manifest = try reader.manifest(repository, digest) else {
            return XCTFail("\(repository)@\(digest) is missing from the target")
        }
        XCTAssertEqual(SampleImageLayout.digest(manifest.body), digest, "\(repository)@\(digest) keeps its bytes")
        let object = try JSONSerialization.jsonObject(with: manifest.body) as? [String: Any] ?? [:]
        for child in object["manifests"] as? [[String: Any]] ?? [] {
            try assertComplete(repository, child["digest"] as? String ?? "", in: reader)
        }
        let blobs = ([object["config"] as Any] + (object["layers"] as? [Any] ?? [])).compactMap { ($0 as? [String: Any])?["digest"] as? String }
        for blob in blobs {
            let present = try reader.hasBlob(repository, blob)
            XCTAssertTrue(present, "\(repository) blob \(blob)")
        }
    }

    private struct Snapshot: Equatable {
        var files: [String]
        var tags: [String: [String]]
        var repositories: String
    }

    /// Every file of the target's storage (path, size, modification time), its tags, and moto's repository records.
    private func snapshot(_ registry: Registry, environment: [String: String]) throws -> Snapshot {
        var files: [String] = []
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        for case let url as URL in FileManager.default.enumerator(at: registry.storage, includingPropertiesForKeys: keys) ?? .init() {
            let values = try url.resourceValues(forKeys: Set(keys))
            files.append("\(url.path) \(values.fileSize ?? -1) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)")
        }
        var tags: [String: [String]] = [:]
        for repository in try registry.reader.repositories() { tags[repository] = try registry.reader.tags(repository).sorted() }
        let described = try run(["aws", "ecr", "describe-repositories", "--region", region], environment: environment)
        XCTAssertEqual(described.status, 0, described.output)
        return Snapshot(files: files.sorted(), tags: tags, repositories: described.output)
    }

    private func ecrRepositories(_ environment: [String: String]) throws -> Set<String> {
        let described = try run(["aws", "ecr", "describe-repositories", "--region", region], environment: environment)
        XCTAssertEqual(described.status, 0, described.output)
        let object = try JSONSerialization.jsonObject(with: Data(described.output.utf8)) as? [String: Any]
        return Set((object?["repositories"] as? [[String: Any]] ?? []).compactMap { $0["repositoryName"] as? String })
    }

    /// The aws calls the stub logged, each as its arguments.
    private func awsCalls(_ environment: [String: String]) throws -> [[String]] {
        guard let log = environment["AWS_STUB_LOG"], let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Runs a command found on the environment's PATH; stdout and stderr together.
    private func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

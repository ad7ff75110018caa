import Crypto
import Foundation
import GRDB

/// What to import, and where to.
public struct ImportRequest: Sendable {
    public var paths: [String]
    public var cluster: String
    public var environment: String?
    public var kubernetesVersion: String?
    /// The namespace of namespaced objects that name none, as kubectl's `--namespace`.
    public var defaultNamespace: String
    /// The cluster's inventory becomes exactly this export (`InventoryReplacement`); otherwise the export is merged in.
    public var replace: Bool
    public var now: Date

    public init(paths: [String], cluster: String, environment: String? = nil, kubernetesVersion: String? = nil,
                defaultNamespace: String = "default", replace: Bool = false, now: Date = Date()) {
        self.paths = paths
        self.cluster = cluster
        self.environment = environment
        self.kubernetesVersion = kubernetesVersion
        self.defaultNamespace = defaultNamespace
        self.replace = replace
        self.now = now
    }
}

/// How far an import has got, for a progress line.
public struct ImportProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var objects: Int
    /// Bytes read so far, of every file (finished or under way).
    public var bytes: Int
    /// The size of every file, as found before reading; nil when one cannot be known (standard input, a pipe).
    public var bytesTotal: Int?
    /// The file read most recently, how far into it, and its size when known.
    public var currentFile: String?
    public var currentBytes: Int
    public var currentSize: Int?
    /// Seconds since the import began.
    public var elapsed: TimeInterval

    /// Objects per second so far.
    public var objectsPerSecond: Double { elapsed > 0 ? Double(objects) / elapsed : 0 }

    /// Seconds left at the rate so far, when the total size is known.
    public var secondsLeft: TimeInterval? {
        guard let bytesTotal, bytes > 0, elapsed > 0 else { return nil }
        return Double(max(0, bytesTotal - bytes)) / (Double(bytes) / elapsed)
    }
}

/// A document that was read but is not a Kubernetes object, and so was left out.
public struct ImportNotice: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    /// How many skipped documents this notice stands for (0 for a warning about a document that was kept).
    public var skipped = 1
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : message }
}

public struct ImportSummary: Sendable {
    public var importID: Int64
    public var cluster: String
    public var files: Int
    public var bytes: Int
    public var documents: Int
    public var objectsRead: Int
    public var objectsStored: Int
    public var kinds: [String: Int]
    public var workloads: Int
    public var digest: String
    public var notices: [ImportNotice]
    /// What the import left out or resolved on its own: skipped special files, objects read twice.
    public var warnings: [String] = []
    /// Cluster facts read: Nodes, pods with measured usage, and the server version of `kubectl version` output.
    public var nodes = 0
    public var podsMeasured = 0
    public var serverVersion: String?
    /// What `--replace` removed and retired; nil for a merging import.
    public var replacement: InventoryReplacement.Outcome?
    /// Helm releases this import recorded (their latest revisions).
    public var helmReleases = 0
}

public enum ImportError: Error, CustomStringConvertible {
    case invalidEnvironment(String)
    case invalidClusterName(String)

    public var description: String {
        switch self {
        case .invalidEnvironment(let value): return "--environment must be dev, staging, prod or other, not '\(value)'"
        case .invalidClusterName(let value): return "--cluster '\(value.visibleLine)' is not a usable name: start with a letter or digit, then letters, digits, '-', '_' or '.'"
        }
    }
}

/// Reads cluster exports into the inventory. One import is one transaction: an input that cannot be read
/// stops it with the file, line and column, and the database is left exactly as it was.
public struct Importer {
    public let database: AppDatabase
    public var progress: (@Sendable (ImportProgress) -> Void)?
    /// Threads that parse files at once; the writer is one more.
    public var workers: Int
    /// Off only in tests that need an inventory holding what no API server would (a forged or hand-edited database), to
    /// prove the commands and reports downstream hold without the import's refusal (`ObjectValidation`); such names are
    /// then only skipped as before (`ObjectHeaderCheck`).
    var validatesObjects = true

    public init(database: AppDatabase, workers: Int = 0, progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.database = database
        self.workers = workers > 0 ? workers : ParallelFileParser.defaultWorkers
        self.progress = progress
    }

    public static let environments = ["dev", "staging", "prod", "other"]

    public func run(_ request: ImportRequest) throws -> ImportSummary {
        if let environment = request.environment, !Self.environments.contains(environment) {
            throw ImportError.invalidEnvironment(environment)
        }
        guard let first = request.cluster.first, first.isASCII && (first.isLetter || first.isNumber),
              request.cluster.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw ImportError.invalidClusterName(request.cluster)
        }
        let sources = try ManifestSources.expandWithWarnings(request.paths)
        let files = sources.files
        let extractor = ObjectExtractor(defaultNamespace: request.defaultNamespace)
        let startedAt = Timestamp.string(request.now)
        let progress = self.progress
        let workers = self.workers
        let validatesObjects = self.validatesObjects

        return try database.writer.write { db -> ImportSummary in
            let clusterID = try Self.upsertCluster(db, request: request, at: startedAt)
            try db.execute(sql: """
                INSERT INTO import (cluster_id, started_at, finished_at, sources, digest, files, bytes, documents, objects_read, objects_stored, kinds)
                VALUES (?, ?, ?, ?, '', 0, 0, 0, 0, 0, '{}')
                """, arguments: [clusterID, startedAt, startedAt, JSONWriter.string(request.paths)])
            let importID = db.lastInsertedRowID
            var writer = try InventoryWriter(db: db, clusterID: clusterID, importID: importID)
            var facts = try ClusterFactsWriter(db: db, clusterID: clusterID, importID: importID)
            let parser = ParallelFileParser(files: files, extractor: extractor, workers: workers, validates: validatesObjects)
            parser.start()
            var readings: [FileReading] = []
            var objectsRead = 0
            var kinds: [String: Int] = [:]
            var lastReport = Date.distantPast
            let began = Date()
            // Sizes up front, for the time left; a file whose size cannot be read (standard input) leaves the total unknown.
            let sizes: [Int?] = progress == nil ? [] : files.map { file in
                file == ManifestSources.standardInput ? nil : (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
            }
            let bytesTotal: Int? = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
            var doneBytes = 0
            var partial: [Int: Int] = [:]
            var current: (index: Int, bytes: Int)?
            do {
                while let message = parser.channel.take() {
                    switch message {
                    case .objects(let batch, let index, let bytesRead):
                        partial[index] = bytesRead
                        current = (index, bytesRead)
                        for parsed in batch {
                            objectsRead += 1
                            kinds[parsed.object.kind, default: 0] += 1
                            if let id = try writer.write(parsed.object, file: parsed.file, order: parsed.order) {
                                try facts.write(parsed.object, resourceID: id)
                            }
                        }
                    case .clusterFacts(let reading):
                        try facts.write(reading)
                    case .fileDone(let reading):
                        readings.append(reading)
                        partial[reading.index] = nil
                        doneBytes += reading.bytes
                    case .failed(let error):
                        throw error
                    }
                    // At most ten lines a second: a terminal redrawn faster only slows the import down.
                    if let progress, Date().timeIntervalSince(lastReport) >= 0.1 {
                        lastReport = Date()
                        progress(ImportProgress(filesDone: readings.count, filesTotal: files.count, objects: objectsRead,
                                                bytes: doneBytes + partial.values.reduce(0, +), bytesTotal: bytesTotal,
                                                currentFile: current.map { files[$0.index] }, currentBytes: current?.bytes ?? 0,
                                                currentSize: current.flatMap { sizes.indices.contains($0.index) ? sizes[$0.index] : nil },
                                                elapsed: lastReport.timeIntervalSince(began)))
                    }
                }
            } catch {
                // Stop the parsers and let them finish before the transaction rolls back.
                parser.channel.cancel()
                while parser.channel.take() != nil {}
                throw error
            }
            readings.sort { $0.index < $1.index }
            var hasher = SHA256()
            for reading in readings { hasher.update(data: reading.digest) }
            let totals = (bytes: readings.reduce(0) { $0 + $1.bytes }, documents: readings.reduce(0) { $0 + $1.documents }, objects: objectsRead)
            let notices = readings.flatMap(\.notices)

            var replacement: InventoryReplacement.Outcome?
            let replacer = request.replace ? try InventoryReplacement(db, clusterID: clusterID) : nil
            if let replacer {
                var outcome = InventoryReplacement.Outcome()
                try replacer.removeStale(db, importID: importID, outcome: &outcome)
                replacement = outcome
            }
            let workloads = try WorkloadFolder.rebuild(db, clusterID: clusterID)
            if let replacer, var outcome = replacement {
                try replacer.settleItems(db, importID: importID, at: startedAt, outcome: &outcome)
                replacement = outcome
            }
            let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM resource WHERE import_id = ?", arguments: [importID]) ?? 0
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            try db.execute(sql: """
                UPDATE import SET finished_at = ?, digest = ?, files = ?, bytes = ?, documents = ?, objects_read = ?, objects_stored = ?, kinds = ?
                WHERE id = ?
                """, arguments: [Timestamp.string(request.now), "sha256:" + digest, files.count, totals.bytes, totals.documents,
                                 totals.objects, stored, JSONWriter.string(counts: kinds), importID])
            var warnings = sources.warnings + writer.duplicates + (try facts.applyServerVersion(given: request.kubernetesVersion))
            if writer.duplicateCount > writer.duplicates.count {
                warnings.append("\(writer.duplicateCount - writer.duplicates.count) more object(s) are defined twice; the later reading of each is kept")
            }
            var summary = ImportSummary(importID: importID, cluster: request.cluster, files: files.count, bytes: totals.bytes,
                                        documents: totals.documents, objectsRead: totals.objects, objectsStored: stored, kinds: kinds,
                                        workloads: workloads, digest: "sha256:" + digest, notices: notices, warnings: warnings)
            (summary.nodes, summary.podsMeasured, summary.serverVersion) = (facts.nodes, facts.podsMeasured, facts.serverVersions.last?.version)
            summary.replacement = replacement
            summary.helmReleases = try Int.fetchOne(db, sql: "SELECT count(*) FROM helm_release WHERE import_id = ?", arguments: [importID]) ?? 0
            return summary
        }
    }

    private static func upsertCluster(_ db: Database, request: ImportRequest, at time: String) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM cluster WHERE name = ?", arguments: [request.cluster]) {
            if let environment = request.environment {
                try db.execute(sql: "UPDATE cluster SET environment = ? WHERE id = ?", arguments: [environment, id])
            }
            if let version = request.kubernetesVersion {
                try db.execute(sql: "UPDATE cluster SET kubernetes_version = ? WHERE id = ?", arguments: [version, id])
            }
            return id
        }
        try db.execute(sql: "INSERT INTO cluster (name, environment, kubernetes_version, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [request.cluster, request.environment ?? "other", request.kubernetesVersion, time])
        return db.lastInsertedRowID
    }
}

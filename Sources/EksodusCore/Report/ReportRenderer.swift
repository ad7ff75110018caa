import Foundation
import Mustache

/// `eksodus report`: renders the bundled (or a team's own) Mustache templates into Markdown or HTML files.
public struct ReportRenderer {
    public enum Kind: String, CaseIterable, Sendable {
        case assessment, plan, cutover, images, all

        var reports: [Kind] { self == .all ? [.assessment, .plan, .cutover, .images] : [self] }
    }

    public enum Format: String, CaseIterable, Sendable { case markdown, html }

    public var database: AppDatabase
    /// A folder of the team's own templates; a file it lacks falls back to the bundled one.
    public var templates: String?
    public var plan: String?
    public var cluster: String?
    public var now: Date

    public init(database: AppDatabase, templates: String? = nil, plan: String? = nil, cluster: String? = nil, now: Date = Date()) {
        self.database = database
        self.templates = templates
        self.plan = plan
        self.cluster = cluster
        self.now = now
    }

    public struct ReportError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The bundled templates, by file name (`plan.md.mustache`), for `eksodus templates export`.
    public static var bundledTemplates: [(file: String, text: String)] {
        EmbeddedResources.files.filter { $0.key.hasPrefix("Templates/") && $0.key.hasSuffix(".mustache") }
            .map { (String($0.key.dropFirst("Templates/".count)), $0.value) }.sorted { $0.file < $1.file }
    }

    /// Writes the bundled templates and their README (the variables each receives) into `folder`; refuses to overwrite a team's copies.
    public static func exportTemplates(to folder: URL, overwrite: Bool = false) throws -> [String] {
        var files = bundledTemplates
        if let readme = EmbeddedResources.files["Templates/README.md"] { files.append(("README.md", readme)) }
        let existing = files.map { folder.appendingPathComponent($0.file) }.filter { FileManager.default.fileExists(atPath: $0.path) }
        if !overwrite, let first = existing.first {
            throw ReportError(message: "\(first.path.visibleLine) exists: give --force to overwrite the templates in \(folder.path.visibleLine)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try files.map { file in
            let url = folder.appendingPathComponent(file.file)
            try Data(file.text.utf8).write(to: url, options: .atomic)
            return url.path
        }
    }

    /// The template text for `name` (e.g. `plan.md`) and where it comes from: the team's copy if it has one, else the bundled one.
    private func templateSource(_ name: String) throws -> (text: String, path: String) {
        if let templates {
            let path = URL(fileURLWithPath: templates).appendingPathComponent(name + ".mustache").path
            if FileManager.default.fileExists(atPath: path) {
                guard let data = FileManager.default.contents(atPath: path) else { throw ReportError(message: "\(path): cannot read the template") }
                guard let text = String(data: data, encoding: .utf8) else { throw ReportError(message: "\(path): the template is not UTF-8") }
                return (text, path)
            }
        }
        guard let text = EmbeddedResources.files["Templates/\(name).mustache"] else { throw ReportError(message: "no template \(name).mustache") }
        return (text, "Templates/\(name).mustache")
    }

    /// The compiled template for `name`; a syntax error names the template file, line and column.
    func compiledTemplate(_ name: String) throws -> MustacheTemplate {
        let source = try templateSource(name)
        do {
            return try MustacheTemplate(string: source.text)
        } catch let error as MustacheTemplate.ParserError {
            throw ReportError(message: "\(source.path):\(error.context.lineNumber):\(error.context.columnNumber): \(Self.describe(error.error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: return "the closing tag does not match the open section's name"
        case .unfinishedName: return "unfinished tag"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection: return "this tag is not allowed inside an inherited section"
        case .textInsideInheritSection: return "text is not allowed inside an inherited section"
        case .invalidConfigVariableSyntax: return "invalid configuration variable"
        case .unrecognisedConfigVariable: return "unknown configuration variable"
        case nil: return "template syntax error (\(error))"
        }
    }

    /// Renders the reports as (file name, contents), in a stable order.
    public func render(_ kind: Kind, format: Format) throws -> [(file: String, text: String)] {
        try build(kind, format: format, details: false).reports
    }

    /// The reports and the CSV files beside them that hold every row the reports summarise. They read what `assess` and `plan`
    /// stored: the assessment report needs no plan; the others need one.
    func build(_ kind: Kind, format: Format, details: Bool) throws -> (reports: [(file: String, text: String)], details: [(file: String, bytes: [UInt8])]) {
        // Templates first: a team's missing folder or broken template is reported before any work on the inventory.
        if let templates {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: templates, isDirectory: &isFolder), isFolder.boolValue else {
                throw ReportError(message: "--templates \(templates.visibleLine): no such folder (eksodus templates export DIR writes the bundled ones to start from)")
            }
        }
        try ClusterScope.require(cluster, in: database)
        let page = try compiledTemplate("page.html")
        let markdownTemplates = try kind.reports.map { (report: $0, template: try compiledTemplate("\($0.rawValue).md")) }
        let reference = try ReferenceData.embedded()
        let needsPlan = kind.reports.contains { $0 != .assessment }
        let stored: (plan: TransitionPlan, tracked: [CutoverTracker.Item])?
        if needsPlan || self.plan != nil {
            stored = try CutoverTracker.loadPlan(database, name: self.plan)
        } else {
            // The assessment report shows the plan's copy methods when a readable plan exists, and needs none.
            do { stored = try CutoverTracker.loadPlan(database) } catch is PlanStore.PlanStoreError { stored = nil }
        }
        // The assessment report uses nothing of the plan's context: it is made on a second thread meanwhile.
        LeftForExit.keep(stored as Any)
        let plan = stored?.plan
        let assessmentWork = kind.reports.contains(.assessment) ? BackgroundWork {
            let assessment = try AssessmentReportContext(database: database, reference: reference, plan: plan, cluster: cluster, now: now)
            LeftForExit.keep(assessment)
            return (values: assessment.values, details: details ? assessment.details : [])
        } : nil
        let context: ReportContext?
        do {
            context = try stored.map { try ReportContext(database: database, reference: reference, plan: $0.plan, tracked: $0.tracked, cluster: cluster, now: now) }
            LeftForExit.keep(context as Any)
        } catch {
            // Its error comes first, as it did when the assessment's context was made after it; the thread is waited for.
            _ = try? assessmentWork?.value()
            throw error
        }
        // The plan's detail files (tens of megabytes of CSV on a large plan) are made on two more threads while the reports are laid out.
        let planDetails = details && kind.reports.contains(.plan)
            ? context.map { context in [BackgroundWork { context.sectionDetails }, BackgroundWork { context.runbookDetails }] } : nil
        var extra: [(file: String, bytes: [UInt8])] = [], planDetailsAt: Int?
        let reports = try markdownTemplates.map { report, template in
            let values: [String: Any]
            switch report {
            case .assessment:
                guard let assessment = try assessmentWork?.value() else { throw ReportError(message: "no assessment to report") }
                values = assessment.values
                extra += assessment.details
            case .plan:
                guard let context else { throw PlanStore.PlanStoreError.noPlan }
                do {
                    values = try context.planReport()
                } catch {
                    planDetails?.forEach { _ = try? $0.value() }
                    throw error
                }
                planDetailsAt = extra.count
            case .cutover:
                guard let context else { throw PlanStore.PlanStoreError.noPlan }
                values = context.cutover
                if details, !kind.reports.contains(.plan) { extra += context.runbookDetails }
            default:
                guard let context else { throw PlanStore.PlanStoreError.noPlan }
                values = context.images
                if details, kind != .all { extra += context.imageDetails }
            }
            var placeholders: ReportDiagram.Placeholders? = format == .html ? ReportDiagram.Placeholders() : nil
            let resolved = ReportDiagram.resolve(values, placeholders: &placeholders) ?? values
            let markdown = template.render(resolved)
            guard format == .html else { return ("\(report.rawValue).md", markdown) }
            let converted = MarkdownHTML.convert(markdown, diagrams: placeholders)
            return ("\(report.rawValue).html", page.render(["title": converted.title, "toc": converted.toc, "body": converted.body]))
        }
        // In their place among the detail files (after the assessment's), once their threads are done.
        if let planDetails, let planDetailsAt, let context {
            extra.insert(contentsOf: try planDetails.flatMap { try $0.value() } + context.imageDetails, at: planDetailsAt)
        }
        return (reports, extra)
    }

    /// Writes the reports into `folder`; returns the paths written.
    @discardableResult
    public func write(_ kind: Kind, format: Format, to folder: URL) throws -> [String] {
        // Built first: a report that cannot be made leaves no folder and no empty file behind.
        let built = try build(kind, format: format, details: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func write(_ data: Data, to file: String) throws -> String {
            let url = folder.appendingPathComponent(file)
            try data.write(to: url, options: .atomic)
            return url.path
        }
        let files: [(size: Int, write: () throws -> String)] = built.reports.map { report in
            (report.text.utf8.count, { try write(Data(report.text.utf8), to: report.file) })
        } + built.details.map { detail in
            (detail.bytes.count, {
                // Written from the buffer itself, not a copy: detail files run to tens of megabytes. The Data lives only in the closure.
                try detail.bytes.withUnsafeBytes { buffer in
                    guard let start = buffer.baseAddress else { return try write(Data(), to: detail.file) }
                    return try write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: buffer.count, deallocator: .none), to: detail.file)
                }
            })
        }
        // Two threads write, each about half of the bytes (the largest files first, each to the lighter half); the paths come
        // back in the files' order, and a failure names the first file that failed in that order.
        var halves: [[Int]] = [[], []], sizes = [0, 0]
        for index in files.indices.sorted(by: { files[$0].size > files[$1].size }) {
            let lighter = sizes[0] <= sizes[1] ? 0 : 1
            halves[lighter].append(index)
            sizes[lighter] += files[index].size
        }
        func writeAll(_ indices: [Int]) -> [Int: Result<String, Error>] {
            Dictionary(indices.map { index in (index, Result { try files[index].write() }) }, uniquingKeysWith: { first, _ in first })
        }
        let other = BackgroundWork { [halves] in writeAll(halves[1]) }
        let written = writeAll(halves[0]).merging(try other.value(), uniquingKeysWith: { first, _ in first })
        return try files.indices.map { index in try written[index]?.get() ?? "" }
    }
}

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

    /// The template text for `name` (e.g. `plan.md`): the team's copy if it has one, else the bundled one.
    func template(_ name: String) throws -> String {
        if let templates {
            let path = URL(fileURLWithPath: templates).appendingPathComponent(name + ".mustache").path
            if FileManager.default.fileExists(atPath: path) { return try String(contentsOfFile: path, encoding: .utf8) }
        }
        guard let text = EmbeddedResources.files["Templates/\(name).mustache"] else { throw ReportError(message: "no template \(name).mustache") }
        return text
    }

    /// Renders the reports as (file name, contents), in a stable order.
    public func render(_ kind: Kind, format: Format) throws -> [(file: String, text: String)] {
        let context = try ReportContext(database: database, reference: try ReferenceData.embedded(), planName: plan, cluster: cluster, now: now)
        let page = try MustacheTemplate(string: try template("page.html"))
        return try kind.reports.map { report in
            let values: [String: Any]
            switch report {
            case .assessment: values = context.assessment
            case .plan: values = try context.planReport()
            case .cutover: values = context.cutover
            default: values = context.images
            }
            let markdown = try MustacheTemplate(string: try template("\(report.rawValue).md")).render(values)
            guard format == .html else { return ("\(report.rawValue).md", markdown) }
            let converted = MarkdownHTML.convert(markdown)
            return ("\(report.rawValue).html", page.render(["title": converted.title, "toc": converted.toc, "body": converted.body]))
        }
    }

    /// Writes the reports into `folder`; returns the paths written.
    @discardableResult
    public func write(_ kind: Kind, format: Format, to folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try render(kind, format: format).map { report in
            let url = folder.appendingPathComponent(report.file)
            try Data(report.text.utf8).write(to: url)
            return url.path
        }
    }
}

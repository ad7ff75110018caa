import Foundation
import XCTest
@testable import EksodusCore

/// The pictures in the HTML reports: each SVG is well-formed XML, draws what the stored plan, assessment and audit log hold,
/// keeps hostile names as text, and summarises estates too large to draw box by box.
final class DiagramTests: XCTestCase {
    func demo() throws -> (renderer: ReportRenderer, database: AppDatabase) {
        let folder = try temporaryFolder(self)
        let demo = try Demo(folder: folder, now: fixedNow).run()
        let database = try AppDatabase.open(path: demo.databasePath)
        return (ReportRenderer(database: database, now: fixedNow), database)
    }

    /// The pictures of one HTML report, parsed; fails the test on the first one that is not XML.
    func pictures(_ reports: [(file: String, text: String)], _ file: String) throws -> [ParsedSVG] {
        let html = try XCTUnwrap(reports.first { $0.file == file }?.text, file)
        return try ParsedSVG.inline(in: html).enumerated().map { index, svg in
            do { return try ParsedSVG.parse(svg) } catch {
                XCTFail("\(file), picture \(index + 1): \(error)")
                throw error
            }
        }
    }

    func testThePlanPicturesDrawEveryWaveWorkloadAndDependency() throws {
        let (renderer, database) = try demo()
        let reports = try renderer.render(.all, format: .html)
        let plan = try PlanStore.load(database)
        let svgs = try pictures(reports, "plan.html")
        let waves = try XCTUnwrap(svgs.first { $0.title == "Waves and the dependencies between them" })

        // One box per wave, one edge per pair of waves joined by at least one dependency.
        XCTAssertEqual(Set(waves.titles("g", class: "node")), Set(plan.waves.map { "Wave \($0.number) · \($0.cluster) · \($0.workloads.count) workload\($0.workloads.count == 1 ? "" : "s")" }))
        XCTAssertEqual(waves.indices("g", class: "node").count, plan.waves.count)
        var waveOf: [String: TransitionPlan.Wave] = [:]
        for wave in plan.waves { for workload in wave.workloads { waveOf[wave.cluster + "/" + workload.label] = wave } }
        let wavePairs = Set(plan.dependencies.compactMap { dependency -> String? in
            guard let provider = waveOf[dependency.cluster + "/" + dependency.provider], let consumer = waveOf[dependency.cluster + "/" + dependency.consumer],
                  provider.number != consumer.number else { return nil }
            return "wave \(provider.number) → wave \(consumer.number) · \(dependency.cluster)"
        })
        XCTAssertFalse(wavePairs.isEmpty, "the demo has dependencies between waves")
        XCTAssertEqual(Set(waves.titles("g", class: "edge").map { String($0.prefix { $0 != ":" }) }), wavePairs)

        // Each wave's graph: its workloads, and the dependencies with both ends in it.
        var drawnEdges = 0
        for wave in plan.waves where !wave.workloads.isEmpty {
            let graph = try XCTUnwrap(svgs.first { $0.title == "Dependencies within wave \(wave.number) · \(wave.cluster)" }, "wave \(wave.number) \(wave.cluster)")
            // Its workloads, and (dashed) the providers they call in other waves.
            let members = Set(wave.workloads.map(\.label))
            let calls = plan.dependencies.filter { $0.cluster == wave.cluster && members.contains($0.consumer) && $0.provider != $0.consumer }
            let elsewhere = Set(calls.map(\.provider)).subtracting(members)
            XCTAssertEqual(graph.titles("g", class: "workload").sorted(), members.sorted())
            XCTAssertEqual(graph.titles("g", class: "external").sorted(), elsewhere.sorted())
            XCTAssertEqual(graph.indices("g", class: "node").count, members.count + elsewhere.count)
            let edges = Set(calls.map { "\($0.consumer) calls \($0.provider)" })
            XCTAssertEqual(Set(graph.titles("g", class: "edge")), edges, "wave \(wave.number) \(wave.cluster)")
            XCTAssertEqual(graph.indices("g", class: "edge").count, edges.count)
            drawnEdges += calls.filter { members.contains($0.provider) }.count
        }
        XCTAssertGreaterThan(drawnEdges, 0, "the demo has dependencies inside a wave")
        XCTAssertEqual(svgs.count, 1 + plan.waves.filter { !$0.workloads.isEmpty }.count)
        for report in reports {
            XCTAssertFalse(report.text.contains("<pre class=\"mermaid-source\">"), "\(report.file) shows Mermaid source")
            XCTAssertFalse(report.text.contains("<script"), report.file)
        }
    }

    func testTheAssessmentAndCutoverPicturesAddUpToTheStoredCounts() throws {
        let (renderer, database) = try demo()
        let reports = try renderer.render(.all, format: .html)
        let findings = try AssessmentStore.load(database, cluster: nil).allFindings.filter { !$0.system }
        let assessment = try pictures(reports, "assessment.html")
        func values(_ svg: ParsedSVG, _ style: String) -> [String: Int] {
            Dictionary(svg.titles("rect", class: style).map { title in
                let parts = title.split(separator: ":")
                return (String(parts[0]), Int(parts[1].trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) ?? -1)
            }, uniquingKeysWith: +)
        }
        let severity = try XCTUnwrap(assessment.first { $0.title == "Findings by severity" })
        XCTAssertEqual(values(severity, "bar"), Dictionary(grouping: findings, by: \.severity.rawValue).mapValues(\.count).merging(["blocker": 0, "warning": 0, "info": 0]) { found, _ in found })
        let category = try XCTUnwrap(assessment.first { $0.title == "Findings by category" })
        XCTAssertEqual(values(category, "bar"), Dictionary(grouping: findings, by: \.category.rawValue).mapValues(\.count))

        let status = try CutoverStatus.load(database)
        let cutover = try pictures(reports, "cutover.html")
        let progress = try XCTUnwrap(cutover.first { $0.title == "Checklist items by state" })
        let allItems = progress.titles("rect", class: "segment").filter { $0.hasPrefix("all items:") }
        XCTAssertEqual(allItems.map { Int($0.split(separator: " ")[2]) ?? 0 }.reduce(0, +), status.overall.total)
        let perWave = try XCTUnwrap(cutover.first { $0.title == "Items by state in each wave" })
        for wave in status.waves {
            XCTAssertEqual(values(perWave, "segment").filter { $0.key == wave.group }.values.reduce(0, +), wave.total, wave.group)
        }
        let burndown = try XCTUnwrap(cutover.first { $0.title == "Open checklist items over time" })
        let open = status.overall.total - (status.overall.counts[.done] ?? 0) - (status.overall.counts[.skipped] ?? 0)
        XCTAssertTrue(burndown.texts.contains("\(open) open"), burndown.texts.joined(separator: " | "))
        XCTAssertLessThan(open, status.overall.total, "the demo ticks items off")
        XCTAssertEqual(burndown.indices("polyline", class: "burndown").count, 1)
    }

    /// Everything XML 1.0 treats as markup, a CDATA end and control characters (which XML 1.0 forbids even as references).
    static let hostile = "a<b&c\"d]]>e\u{1}f\u{7F}g'h\u{202E}"
    static let hostileAsText = "a<b&c\"d]]>e\u{FFFD}f\u{FFFD}g'h\u{FFFD}"

    func testHostileNamesStayText() throws {
        let (_, database) = try demo()
        var plan = try PlanStore.load(database)
        let provider = "Deployment/ns/" + Self.hostile, consumer = "Deployment/ns/web"
        plan.waves = [.init(number: 1, cluster: Self.hostile, workloads: [.init(label: provider, reason: Self.hostile), .init(label: consumer, reason: "")]),
                      .init(number: 2, cluster: Self.hostile, workloads: [.init(label: "Deployment/ns/late", reason: "")])]
        plan.dependencies = [.init(cluster: Self.hostile, consumer: consumer, provider: provider, evidence: Self.hostile),
                             .init(cluster: Self.hostile, consumer: "Deployment/ns/late", provider: consumer, evidence: "")]
        let svgs = [PlanDiagrams(plan).waves().svg, try XCTUnwrap(PlanDiagrams(plan).wave(plan.waves[0])).svg,
                    SVGCharts.bars(title: Self.hostile, [.init(label: Self.hostile, value: 3, color: "#000")], note: Self.hostile)]
        for svg in svgs {
            XCTAssertFalse(svg.contains("]]>"), svg)
            XCTAssertFalse(svg.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "a control character reached the SVG")
        }
        // The parser is strict: what escaping prevents would fail here.
        XCTAssertThrowsError(try ParsedSVG.parse("<svg><text>\u{1}</text></svg>"))
        XCTAssertThrowsError(try ParsedSVG.parse("<svg><text>a<b</text></svg>"))
        XCTAssertThrowsError(try ParsedSVG.parse("<svg><text>a&b</text></svg>"))
        let waves = try ParsedSVG.parse(svgs[0]), graph = try ParsedSVG.parse(svgs[1]), bars = try ParsedSVG.parse(svgs[2])
        XCTAssertEqual(waves.indices("g", class: "edge").count, 1)
        XCTAssertEqual(waves.titles("g", class: "node").first, "Wave 1 · \(Self.hostileAsText) · 2 workloads")
        XCTAssertEqual(graph.titles("g", class: "node"), ["Deployment/ns/" + Self.hostileAsText, consumer])
        XCTAssertTrue(graph.texts.contains(Self.hostileAsText), "the box shows the name itself")
        XCTAssertEqual(graph.titles("g", class: "edge"), ["Deployment/ns/web calls Deployment/ns/" + Self.hostileAsText])
        XCTAssertEqual(bars.title, Self.hostileAsText)
        XCTAssertEqual(bars.titles("rect", class: "bar"), [Self.hostileAsText + ": 3"])
    }

    func testMermaidKeepsApartNamesThatCleanUpAlike() throws {
        let (_, database) = try demo()
        var plan = try PlanStore.load(database)
        let names = ["Deployment/ns/a-b", "Deployment/ns/a_b", "Deployment/ns/a.b"]
        plan.waves = [.init(number: 1, cluster: "c", workloads: names.map { .init(label: $0, reason: "") })]
        plan.dependencies = [.init(cluster: "c", consumer: names[1], provider: names[0], evidence: ""), .init(cluster: "c", consumer: names[2], provider: names[1], evidence: "")]
        let mermaid = MermaidDiagram.waves(plan)
        XCTAssertNil(ReportTests.mermaidProblem(mermaid), mermaid)
        let declared = mermaid.split(separator: "\n").filter { $0.hasPrefix("    ") }.map { String($0.drop { $0 == " " }.prefix { $0 != "[" }) }
        XCTAssertEqual(Set(declared).count, 3, mermaid)
        let edges = mermaid.split(separator: "\n").filter { $0.contains(" --> ") }
        XCTAssertEqual(edges.count, 2)
        XCTAssertTrue(edges.allSatisfy { edge in let ends = edge.split(separator: " ").filter { $0 != "-->" }; return ends.count == 2 && ends[0] != ends[1] }, mermaid)
    }

    func testLargeEstatesAreSummarisedAndSaySo() throws {
        let (_, database) = try demo()
        var plan = try PlanStore.load(database)
        // 10,000 workloads in one wave over 70 namespaces; each calls a workload of the next namespace.
        let labels = (0..<10_000).map { "Deployment/ns-\($0 % 70)/w-\($0)" }
        plan.waves = [.init(number: 1, cluster: "big", workloads: labels.map { .init(label: $0, reason: "") })]
        plan.dependencies = (0..<9_999).map { .init(cluster: "big", consumer: labels[$0], provider: labels[$0 + 1], evidence: "") }
        let svg = try XCTUnwrap(PlanDiagrams(plan).wave(plan.waves[0])).svg
        let graph = try ParsedSVG.parse(svg)
        XCTAssertEqual(graph.indices("g", class: "node").count, PlanDiagrams.nodeLimit)
        XCTAssertEqual(graph.indices("g", class: "summary").count, PlanDiagrams.nodeLimit)
        XCTAssertTrue(graph.texts.contains("11 other namespaces"), graph.texts.suffix(5).joined(separator: " | "))
        XCTAssertTrue(graph.texts.contains { $0.contains("10000 workloads") && $0.contains("namespace groups") }, "the picture says what it summarised")
        XCTAssertGreaterThan(graph.indices("g", class: "edge").count, 0)
        XCTAssertLessThan(svg.utf8.count, 200_000)

        plan.waves = (1...200).map { .init(number: $0, cluster: "many", workloads: [.init(label: "Deployment/ns/w-\($0)", reason: "")]) }
        plan.dependencies = (1..<200).map { .init(cluster: "many", consumer: "Deployment/ns/w-\($0 + 1)", provider: "Deployment/ns/w-\($0)", evidence: "") }
        let waves = try ParsedSVG.parse(PlanDiagrams(plan).waves().svg)
        XCTAssertEqual(waves.indices("g", class: "node").count, PlanDiagrams.nodeLimit)
        XCTAssertEqual(waves.indices("g", class: "edge").count, PlanDiagrams.nodeLimit - 1)
        XCTAssertTrue(waves.texts.contains { $0.contains("first \(PlanDiagrams.nodeLimit) of 200 waves") })
    }

    func testTheLayoutPutsProvidersFirstAndUncrossesEdges() {
        // 0 → 1 → 2 and 0 → 2: longest path puts 2 in the third column.
        let chain = LayeredLayout(nodes: 3, edges: [(0, 1), (1, 2), (0, 2)])
        XCTAssertEqual(chain.layer, [0, 1, 2])
        // 0 → 3 and 1 → 2 cross in index order; one sweep puts 3 above 2.
        let crossed = LayeredLayout(nodes: 4, edges: [(0, 3), (1, 2)])
        XCTAssertEqual(crossed.layer, [0, 0, 1, 1])
        XCTAssertLessThan(crossed.position[3], crossed.position[2])
        // A cycle still gives every node a column.
        let cycle = LayeredLayout(nodes: 3, edges: [(0, 1), (1, 2), (2, 0)])
        XCTAssertEqual(cycle.layer.sorted(), [0, 1, 2])
    }

    func testEmphasisRendersAndWideTablesScrollInsideThemselves() throws {
        let page = MarkdownHTML.convert("_Generated on `now`; account 1._\n\nKeep REDIS_ADDR and a_b_c, say *this* and \\_that\\_.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n").body
        XCTAssertTrue(page.contains("<p><em>Generated on <code>now</code>; account 1.</em></p>"), page)
        XCTAssertTrue(page.contains("Keep REDIS_ADDR and a_b_c, say <em>this</em> and _that_."), page)
        XCTAssertTrue(page.contains("<div class=\"table-scroll\"><table>"), page)

        let (renderer, _) = try demo()
        for report in try renderer.render(.all, format: .html) {
            var text = report.text
            for pattern in [#"<svg [\s\S]*?</svg>"#, #"<pre>[\s\S]*?</pre>"#, #"<code>[\s\S]*?</code>"#, #"<style>[\s\S]*?</style>"#, #"<[^>]*>"#] {
                text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let literal = text.range(of: #"(^|[^\p{L}\p{N}_])[_*][^\s_*][^\n]*?[^\s_*][_*]([^\p{L}\p{N}_]|$)"#, options: .regularExpression)
            XCTAssertNil(literal, "\(report.file) shows markup: \(literal.map { String(text[$0]) } ?? "")")
            XCTAssertFalse(report.text.contains("\n<table>"), "\(report.file): every table sits in a scrolling box")
        }
    }

    func testTheBurndownReplaysClosingsAndReopenings() throws {
        func change(_ at: String, _ item: String, _ from: ItemState, _ to: ItemState) -> AuditLog.Change { .init(at: at, item: item, from: from, to: to) }
        let changes = [change("2026-05-01T10:00:00Z", "a", .pending, .done), change("2026-05-02T10:00:00Z", "b", .pending, .inProgress),
                       change("2026-05-03T10:00:00Z", "b", .inProgress, .done), change("2026-05-04T10:00:00Z", "a", .done, .pending),
                       change("2026-05-05T10:00:00Z", "other-cluster", .pending, .done), change("2026-05-06T10:00:00Z", "c", .blocked, .skipped)]
        let diagram = CutoverDiagrams.burndown(items: ["a", "b", "c"], changes: changes, createdAt: "2026-04-30T10:00:00Z", now: fixedNow)
        let svg = try ParsedSVG.parse(diagram.svg)
        XCTAssertTrue(svg.texts.contains("1 open"), svg.texts.joined(separator: " | "))
        XCTAssertTrue(svg.texts.contains("From the audit log: 3 done or skipped, 1 reopened."))
        // A step line: start, then a drop and a rise per closing or reopening, each drawn as two corners.
        let points = try XCTUnwrap(diagram.svg.range(of: #"points="[^"]*""#, options: .regularExpression).map { diagram.svg[$0] })
        XCTAssertEqual(points.split(separator: " ").count, 1 + 4 * 2)
        XCTAssertEqual(diagram.markdown, "3 items were open when the plan was made; 1 is open now (3 done or skipped, 1 reopened).")
    }
}

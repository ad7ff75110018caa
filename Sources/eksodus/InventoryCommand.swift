import ArgumentParser
import EksodusCore

extension InventoryQuery.Listing: ExpressibleByArgument {}

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List what the inventory holds: clusters, workloads, images, volumes, services, ingresses or nodes."
    )

    @Argument(help: ArgumentHelp("What to list.", valueName: InventoryQuery.Listing.allCases.map(\.rawValue).joined(separator: "|")))
    var listing: InventoryQuery.Listing

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(name: [.short, .long], help: "Only this namespace.")
    var namespace: String?

    @Option(name: [.short, .customLong("output")], help: "table, json, yaml or csv.")
    var output: OutputFormat = .table

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let db = try database.openReadOnly()
        let table = try InventoryQuery(cluster: cluster, namespace: namespace).table(listing, in: db)
        print(TableRenderer.render(table, as: output), terminator: "")
    }
}

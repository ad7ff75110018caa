import Foundation
import XCTest
@testable import EksodusCore

/// The ALTERs are made from what the source's cqlsh prints: only a replication map of a class and factors becomes a
/// statement, and a row that cannot be read fails the pass instead of leaving its keyspace behind (the source is
/// decommissioned afterwards).
final class CassandraReplicationMapTests: XCTestCase {
    func alter(_ table: String) throws -> (status: Int32, output: String) {
        let program = CassandraDatacenter.alterProgram(.addEKS)
        return try GateShell.run("printf '%s\\n' " + ShellQuote.word(table) + " | awk -F '|' -v dc=dc1 -v rf=3 " + ShellQuote.word(program))
    }

    func testOnlyPlainMapsBecomeStatementsAndUnreadableRowsFail() throws {
        let good = """
             keyspace_name | replication
            ---------------+------------
                      shop | {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': '3'}
               system_auth | {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'}
            """
        let fine = try alter(good)
        XCTAssertEqual(fine.status, 0, fine.output)
        XCTAssertTrue(fine.output.contains("ALTER KEYSPACE \"shop\" WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': '3', 'eks': '3'};"), fine.output)
        for hostile in [
            "      shop | {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': '3'}; DROP KEYSPACE shop; --}",
            "      shop | {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc|x': '3'}",
            "      shop | {'class': 'x', 'dc1': '3'', 'y': '1'}",
        ] {
            let result = try alter(good + "\n" + hostile)
            XCTAssertNotEqual(result.status, 0, hostile)
            XCTAssertFalse(result.output.contains("DROP"), result.output)
        }
    }
}

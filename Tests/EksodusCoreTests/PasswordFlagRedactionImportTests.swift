import XCTest
@testable import EksodusCore

/// A security review's forms, imported for real and looked for in every row of every table: a program's `-p` password
/// (attached for the MySQL clients, attached or its own word for sshpass, MongoDB's tools and rabbitmqadmin), in a command
/// line, in a container's command and args and in env values, and an `Authorization` header an ingress-nginx snippet sets.
/// What only looks alike stays readable: `-p 8080` of a server, `mysql -p shop` (which prompts), the `-h` after a password.
final class PasswordFlagRedactionImportTests: XCTestCase {
    func testProgramPasswordsAndAuthorizationHeadersNeverReachTheDatabase() throws {
        let folder = try writeManifests(["objects.yaml": #"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: jobs
              namespace: tenant
              annotations:
                nginx.ingress.kubernetes.io/configuration-snippet: |
                  proxy_set_header Authorization "Bearer SnippetTok999";
                  proxy_set_header X-Forwarded-Authorization $http_authorization;
                example.com/apache: 'RequestHeader set Authorization "Basic QmFzaWNTbmlwcGV0OTk5"'
            spec:
              selector: {matchLabels: {app: jobs}}
              template:
                metadata: {labels: {app: jobs}}
                spec:
                  containers:
                  - name: dump
                    image: mysql:8.0
                    command: [sh, -c, "mysql -uroot -pCmdLinePw123 -h db -e 'select 1' && mysqldump -pDumpPw456 shop > /tmp/x && mysql -p shop"]
                  - name: dump-list
                    image: mysql:8.0
                    command: [mysqldump]
                    args: [-uroot, -pListPw789, -h, db, shop]
                  - name: copy
                    image: example.com/tools:1
                    command: [sshpass]
                    args: [-p, SshArgPw111, ssh, -p, "2201", backup@db]
                  - name: copy-attached
                    image: example.com/tools:1
                    command: [/usr/bin/sshpass, -pSshAttached222, scp, a, b]
                  - name: wrapped
                    image: example.com/tools:1
                    command: [/docker-entrypoint.sh]
                    args: [sshpass, -p, SshWrappedPw777, ssh, backup@db]
                  - name: mongo
                    image: mongo:7
                    command: [mongodump, --host, db, -u, admin, -p, MongoPw333]
                  - name: shell
                    image: example.com/tools:1
                    env:
                    - {name: BACKUP_CMD, value: "sshpass -p SshEnvPw444 ssh -p 2202 backup rsync -a /data /backup"}
                    - {name: ADMIN_CMD, value: "rabbitmqadmin -u admin -p RabbitPw555 list queues"}
                  - name: server
                    image: example.com/server:1
                    command: [server, -p, "8080"]
                    args: [--password=FlagPw666, --log-level, debug]
                  - name: redis
                    image: redis:7
                    command: [redis-server, -p, "6379"]
            """#], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let rows = try dump(database)
        XCTAssertTrue(rows.contains(SecretRedaction.marker))
        for secret in ["SnippetTok999", "QmFzaWNTbmlwcGV0OTk5", "CmdLinePw123", "DumpPw456", "ListPw789", "SshArgPw111", "SshAttached222",
                       "MongoPw333", "SshEnvPw444", "RabbitPw555", "FlagPw666", "SshWrappedPw777"] {
            XCTAssertFalse(rows.contains(secret), "\(secret) reached the database")
        }
        // The command lines stay readable: the flag after a password, a server's port, the database a prompting mysql opens.
        for kept in ["-h db -e", "mysql -p shop", "$http_authorization", "Bearer " + SecretRedaction.marker, "6379", "8080", "backup@db", "--log-level"] {
            XCTAssertTrue(rows.contains(kept), "\(kept) is kept")
        }
        let lists = try strings(database, "SELECT COALESCE(command, '') || ' ' || COALESCE(args, '') FROM container ORDER BY name")
        XCTAssertTrue(lists.contains { $0.contains("\"-h\"") && $0.contains("\"db\"") && $0.contains("-p" + SecretRedaction.marker) }, "\(lists)")
        XCTAssertTrue(lists.contains { $0.contains("\"server\"") && $0.contains("\"-p\",\"8080\"") }, "\(lists)")
        XCTAssertTrue(lists.contains { $0.contains("\"ssh\",\"-p\",\"2201\"") }, "ssh's port after sshpass's command: \(lists)")
        XCTAssertTrue(rows.contains("ssh -p 2202 backup"), "ssh's port in a command line")
    }
}

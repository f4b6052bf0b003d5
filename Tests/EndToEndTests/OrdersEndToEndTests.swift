import Testing
import Foundation
import TestSupport

/// The command line as a script would drive it: the built binary on temporary stores.
@Suite("Orders from the command line")
struct OrdersEndToEndTests {
    let dir = TemporaryDirectory("e2e-orders")
    var db: String { dir.path("store.db") }

    func paydesk(_ args: String...) throws -> RunResult { try Paydesk.run(args + ["--db", db]) }

    func orderCount() throws -> Int {
        let result = try Paydesk.run(["orders", "--db", db, "--limit", "1000", "--json"])
        return (try result.json()["orders"] as? [Any])?.count ?? -1
    }

    @Test("init --demo, then paging through every demo order by cursor")
    func demoStorePaging() throws {
        let initResult = try paydesk("init", "--demo")
        #expect(initResult.exitCode == 0, "\(initResult)")
        var cursor: String?
        var orderNos: [String] = []
        var pages = 0
        repeat {
            var args = ["orders", "--db", db, "--json", "--limit", "37"]
            if let cursor { args += ["--after", cursor] }
            let page = try Paydesk.run(args)
            #expect(page.exitCode == 0, "\(page)")
            let json = try page.json()
            let orders = json["orders"] as? [[String: Any]] ?? []
            orderNos += orders.compactMap { $0["orderNo"] as? String }
            #expect(json.keys.contains("next"), "next is present, null on the last page")
            cursor = json["next"] as? String
            pages += 1
        } while cursor != nil && pages < 100
        #expect(orderNos.count == 320)
        #expect(Set(orderNos).count == 320)
        let lines = try paydesk("orders", "--business", "hotel", "--json", "--limit", "1000").json()["orders"] as? [[String: Any]] ?? []
        #expect(!lines.isEmpty && lines.allSatisfy { $0["businessLine"] as? String == "hotel" })
        let chinese = try paydesk("orders", "--json", "--limit", "1000").stdout
        #expect(chinese.contains("奶茶") || chinese.contains("门票") || chinese.contains("豪华"), "demo items include Chinese names")
    }

    @Test("order create, query by order no and by serial, and the idempotent repeat")
    func createAndQuery() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let created = try paydesk("order", "create", "--business", "retail", "--order", "CLI-1", "--amount", "13.50",
                                  "--item", "珍珠奶茶:2:4.50", "--item", "Cookie:1:4.50", "--customer", "C1", "--json")
        #expect(created.exitCode == 0, "\(created)")
        let order = try created.json()["order"] as? [String: Any] ?? [:]
        #expect(order["amount"] as? String == "13.50")
        #expect(order["status"] as? String == "CREATED")
        #expect(order["paidAmount"] as? String == "0.00")
        let serial = order["serial"] as? String ?? ""
        #expect(serial.count <= 32 && serial.hasPrefix("O"))

        let again = try paydesk("order", "create", "--business", "retail", "--order", "CLI-1", "--amount", "13.50",
                                "--item", "珍珠奶茶:2:4.50", "--item", "Cookie:1:4.50", "--customer", "C1", "--json")
        #expect(again.exitCode == 0)
        #expect((try again.json()["order"] as? [String: Any])?["serial"] as? String == serial)
        #expect(try again.json()["created"] as? Bool == false)

        let conflict = try paydesk("order", "create", "--business", "retail", "--order", "CLI-1", "--amount", "14.00")
        #expect(conflict.exitCode == 7)
        #expect(conflict.stderr.contains("order no 'CLI-1' of retail is taken"))

        for query in [["--order", "CLI-1", "--business", "retail"], ["--serial", serial]] {
            let result = try Paydesk.run(["query", "--db", db, "--json"] + query)
            #expect(result.exitCode == 0, "\(result)")
            let json = try result.json()
            #expect((json["order"] as? [String: Any])?["orderNo"] as? String == "CLI-1")
            #expect((json["payments"] as? [Any])?.isEmpty == true)
            #expect((json["refunds"] as? [Any])?.isEmpty == true)
        }
        let text = try paydesk("query", "--order", "CLI-1", "--business", "retail")
        #expect(text.stdout.contains("2 × 珍珠奶茶 @ 4.50"))
        #expect(try paydesk("query", "--order", "NOPE", "--business", "retail").exitCode == 6)
        #expect(try paydesk("query", "--serial", "P2026NOTHING").exitCode == 6)
    }

    @Test("bad input exits 3 or 2 with a message naming what and where, and writes nothing",
          arguments: [
              (["--amount", "12.345"], Int32(3), "--amount '12.345': CNY has 2 decimal places"),
              (["--amount", "10.5", "--currency", "JPY"], 3, "JPY has no decimal places"),
              (["--amount", "-1"], 3, "negative"),
              (["--amount", "1e3"], 3, "exponents"),
              (["--amount", "1,000"], 3, "separators"),
              (["--amount", ""], 3, "empty"),
              (["--amount", "abc"], 3, "unexpected character 'a'"),
              (["--amount", "99999999999999999999"], 3, "too large"),
              (["--amount", "1", "--currency", "XYZ"], 3, "--currency 'XYZ': unknown currency"),
              (["--amount", "10.00", "--item", "Tea:2:4.00"], 3, "items sum to 8.00 CNY but the amount is 10.00"),
              (["--amount", "1", "--item", "Tea:x:1"], 3, "--item #1 'Tea:x:1': quantity 'x'"),
              (["--amount", "1", "--frobnicate"], 2, "unknown option '--frobnicate'"),
              (["--amount"], 2, "--amount needs a value"),
          ])
    func badInput(extra: [String], code: Int32, message: String) throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let before = try orderCount()
        let result = try Paydesk.run(["order", "create", "--db", db, "--business", "retail", "--order", "BAD-1"] + extra)
        #expect(result.exitCode == code, "\(result)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && result.stdout.isEmpty)
        #expect(try orderCount() == before)
    }

    @Test("bad identifiers and business lines are refused before anything is written")
    func badIdentifiers() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let long = try paydesk("order", "create", "--business", "retail", "--order", String(repeating: "9", count: 65), "--amount", "1")
        #expect(long.exitCode == 3 && long.stderr.contains("at most 64"))
        let control = try paydesk("order", "create", "--business", "retail", "--order", "A\u{1B}[2J", "--amount", "1")
        #expect(control.exitCode == 3 && control.stderr.contains("control character U+1B"))
        let line = try paydesk("order", "create", "--business", "casino", "--order", "A1", "--amount", "1")
        #expect(line.exitCode == 3 && line.stderr.contains("business line 'casino': unknown (known: flight, hotel, insurance, retail, ticket)"))
        #expect(try paydesk("orders", "--status", "DONE").exitCode == 3)
        #expect(try paydesk("orders", "--after", "garbage").exitCode == 3)
        #expect(try paydesk("orders", "--limit", "0").exitCode == 3)
        #expect(try paydesk("frobnicate").exitCode == 2)
        #expect(try orderCount() == 320)
    }

    @Test("a file that is not a store, or a missing store, is refused with a clear message")
    func refusesForeignStores() throws {
        let text = dir.path("notes.txt")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: text))
        let result = try Paydesk.run(["orders", "--db", text])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("not a PayDesk store"))
        let missing = try Paydesk.run(["orders", "--db", dir.path("missing.db")])
        #expect(missing.exitCode == 6 && missing.stderr.contains("paydesk init"))
        let nowhere = try Paydesk.run(["init", "--db", dir.path("no/such/store.db")])
        #expect(nowhere.exitCode == 3 && nowhere.stderr.contains("its folder '\(dir.path("no/such"))' does not exist"), "\(nowhere)")
        let folder = try Paydesk.run(["orders", "--db", dir.url.path])
        #expect(folder.exitCode == 3 && folder.stderr.contains("a folder, not a store file"), "\(folder)")
    }

    @Test("a store this user may not read, or whose folder it may not write, is refused saying which, and nothing is created")
    func refusesWithoutAccess() throws {
        // why as nobody: the tests run as root in CI, and root passes every permission check.
        func unprivileged(_ arguments: [String]) throws -> RunResult {
            guard getuid() == 0 else { return try Paydesk.run(arguments) }
            let copy = dir.path("paydesk")
            if !FileManager.default.fileExists(atPath: copy) {
                try FileManager.default.copyItem(atPath: Paydesk.binary, toPath: copy)
            }
            return try Paydesk.run(["-u", "nobody", "--", copy] + arguments, through: "/usr/sbin/runuser")
        }
        let manager = FileManager.default
        let folder = dir.path("locked"), store = dir.path("locked/store.db")
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.url.path)
        #expect(try Paydesk.run(["init", "--db", store]).exitCode == 0)
        let files = try manager.contentsOfDirectory(atPath: folder).sorted()
        defer { try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }

        try manager.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        let noFolder = try unprivileged(["query", "--db", store, "--serial", "P1"])
        #expect(noFolder.exitCode == 8, "\(noFolder)")
        #expect(noFolder.stderr.contains("store '\(store)': this user may not create files in its folder '\(folder)', where SQLite keeps 'store.db-wal' and 'store.db-shm'"),
                "\(noFolder.stderr)")
        #expect(try manager.contentsOfDirectory(atPath: folder).sorted() == files)

        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        try manager.setAttributes([.posixPermissions: 0o000], ofItemAtPath: store)
        defer { try? manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store) }
        let noFile = try unprivileged(["orders", "--db", store, "--json"])
        #expect(noFile.exitCode == 8, "\(noFile)")
        #expect(noFile.stderr.contains("\"code\":\"not_permitted\"") && noFile.stderr.contains("this user may not read the file"), "\(noFile.stderr)")
        #expect(try manager.contentsOfDirectory(atPath: folder).sorted() == files)

        // The store open to this user, the audit log's key not: the same exit, naming the key file.
        try manager.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        try manager.setAttributes([.posixPermissions: 0o666], ofItemAtPath: store)
        try manager.setAttributes([.posixPermissions: 0o000], ofItemAtPath: store + ".audit-key")
        let noKey = try unprivileged(["audit", "verify", "--db", store])
        #expect(noKey.exitCode == 8, "\(noKey)")
        #expect(noKey.stderr.contains("cannot read '\(store).audit-key': Permission denied; run as the store's owner"), "\(noKey.stderr)")
    }

    @Test("a simulated clock moves only when advanced")
    func simulatedClock() throws {
        #expect(try paydesk("init", "--simulated-clock").exitCode == 0)
        let before = try paydesk("clock", "show", "--json").json()["now"] as? String
        let advanced = try paydesk("clock", "advance", "2h", "--json")
        #expect(advanced.exitCode == 0)
        let after = try paydesk("clock", "show", "--json").json()["now"] as? String
        let reported = try advanced.json()["now"] as? String
        #expect(before != nil && after == reported && before != after)
        #expect(try paydesk("clock", "advance", "soon").exitCode == 3)
        let real = TemporaryDirectory()
        #expect(try Paydesk.run(["init", "--db", real.path("r.db")]).exitCode == 0)
        #expect(try Paydesk.run(["clock", "advance", "10m", "--db", real.path("r.db")]).exitCode == 3)
    }

    @Test("two processes creating the same order no at the same moment end with one order")
    func concurrentCreate() throws {
        #expect(try paydesk("init", "--demo").exitCode == 0)
        let db = self.db
        for round in 0..<3 {
            let results = concurrently(4) { _ in
                (try? Paydesk.run(["order", "create", "--db", db, "--business", "ticket", "--order", "RACE-\(round)",
                                   "--amount", "60.00", "--json"])) ?? RunResult(exitCode: -1, stdout: "", stderr: "")
            }
            #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results)")
            let serials = Set(results.compactMap { (try? $0.json()["order"] as? [String: Any])?["serial"] as? String })
            #expect(serials.count == 1)
            #expect(results.compactMap { try? $0.json()["created"] as? Bool }.filter { $0 }.count == 1)
        }
        #expect(try orderCount() == 323)
    }
}

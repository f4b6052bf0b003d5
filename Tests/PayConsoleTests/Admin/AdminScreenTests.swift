import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The admin screens over a fake desk: the tree, the forms and their validation, masked secrets,
/// destructive actions asking first, and only `admin` getting in.
@MainActor
@Suite struct AdminScreenTests {
    @Test func theTreeShowsMerchantsWithTheirLinesAndAccounts() throws {
        let console = try AdminHarness()
        console.open()
        #expect(console.screen.contains("PayDesk — Admin"))
        assertSnapshot(console.screen, named: "admin-tree")
        let rows = console.screen.split(separator: "\n").map(String.init)
        let acme = try #require(rows.firstIndex { $0.contains("acme") && $0.contains("Acme Property Ltd") })
        let retail = try #require(rows.firstIndex { $0.contains("retail") && $0.contains("Retail counter") })
        let card = try #require(rows.firstIndex { $0.contains("card-new") })
        let harbour = try #require(rows.firstIndex { $0.contains("harbour-hotel") })
        #expect(acme < retail && retail < card && card < harbour, "lines and accounts sit under their merchant")
        #expect(rows[harbour].contains("DISABLED"))
        #expect(rows[card].contains("disabled") && rows[card].contains("2 missing"))
    }

    @Test func anAccountsSecretsAreShownMasked() throws {
        let console = try AdminHarness()
        console.open()
        console.select("alipay-main")
        assertSnapshot(console.screen, named: "admin-account-masked")
        #expect(console.screen.contains("app_private_key"))
        #expect(console.screen.contains("set (private key, sealed: yes)"))
        #expect(!console.screen.contains("BEGIN"), "no key text on screen")
    }

    @Test func onlyAnAdminGetsIn() throws {
        for name in ["cashier", "support", "supervisor"] {
            let console = try AdminHarness()
            console.open(as: name)
            #expect(!console.screen.contains("PayDesk — Admin"), "\(name) got in:\n\(console.screen)")
            #expect(console.screen.contains("\(name) (\(name)) may not open admin: needs admin"), "\(console.screen)")
        }
        let support = try AdminHarness()
        support.open(as: "support")
        support.press(.ctrl("p"))
        support.type("admin")
        #expect(!support.screen.contains("Go to admin"), "the palette offers no admin screen to support:\n\(support.screen)")
    }

    @Test func theMerchantFormNamesTheWrongFieldAndChangesNothing() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.press(.character("m"))
        console.type("Acme Two\tAcme Two Ltd\t\n")
        assertSnapshot(console.screen, named: "admin-merchant-invalid")
        #expect(console.screen.contains("! Merchant id"))
        #expect(console.screen.contains("Merchant id 'Acme Two': use 1–32 lower-case letters, digits or '-'"))
        #expect(desk.calls.isEmpty)
        // The service's refusal (an id taken) shows on the form too; the focus is on the field named.
        console.press(.ctrl("u"))
        console.type("acme")
        console.press(.function(9))
        #expect(console.screen.contains("merchant 'acme' exists already"))
        #expect(desk.calls.isEmpty)
        console.press(.ctrl("u"))
        console.type("acme-two")
        console.press(.function(9))
        #expect(desk.calls == ["addMerchant acme-two"])
        #expect(console.screen.contains("Merchant acme-two added"))
        #expect(console.admin?.selected.map { console.admin!.tree.text($0) }?.contains("acme-two") == true, "the cursor goes to the new merchant")
    }

    @Test func theBusinessLineFormChecksCurrencyAndMethods() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.press(.character("l"))
        console.type("hotel\tHotel front desk\t")
        console.press(.right)  // layout: hotel
        console.press(.tab, .ctrl("u"))
        console.type("XYZ\t")
        console.press(.function(9))
        assertSnapshot(console.screen, named: "admin-line-invalid")
        #expect(console.screen.contains("Currency 'XYZ': unknown currency"))
        console.press(.ctrl("u"))
        console.type("HKD\tbitcoin")
        console.press(.function(9))
        #expect(console.screen.contains("Methods 'bitcoin': unknown method"))
        #expect(desk.calls.isEmpty)
        console.press(.ctrl("u"))
        console.type("alipay,wechat")
        console.press(.function(9))
        #expect(desk.calls == ["addBusinessLine hotel acme hotel HKD"])
        #expect(desk.lines.last?.methods == ["alipay", "wechat"])
    }

    @Test func theAccountFormChecksTheFeeAndAccountsStartDisabled() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.press(.character("a"))
        console.type("alipay-2\t\tAlipay (second)\t\t\t")
        console.press(.ctrl("u"))
        console.type("20000")
        console.press(.function(9))
        assertSnapshot(console.screen, named: "admin-account-invalid")
        #expect(console.screen.contains("Fee rate '20000': basis points from 0 to 10000"))
        #expect(desk.calls.isEmpty)
        console.press(.ctrl("u"))
        console.type("55")
        console.press(.function(9))
        #expect(desk.calls == ["addAccount alipay-2 alipay acme"])
        #expect(console.screen.contains("alipay-2") && console.screen.contains("disabled"))
        #expect(console.screen.contains("3 missing"))
    }

    @Test func aKeyIsImportedFromAFilePathNeverItsText() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.select("card-new")
        console.press(.character("i"))
        #expect(console.screen.contains("‹ api_secret ›"), "the first key missing is offered first")
        console.press(.tab)
        console.type("-----BEGIN PRIVATE KEY-----")
        console.press(.function(9))
        assertSnapshot(console.screen, named: "admin-key-invalid")
        #expect(console.screen.contains("File: give the file's path, never the key's text"))
        console.press(.ctrl("u"))
        console.type("/nonexistent/secret.txt")
        console.press(.function(9))
        #expect(console.screen.contains("key file '/nonexistent/secret.txt': no such file"))
        #expect(desk.calls.isEmpty)
        let file = console.directory.path("api-secret.txt")
        try "s3cr3t-value\n".write(toFile: file, atomically: true, encoding: .utf8)
        console.press(.ctrl("u"))
        console.type(file)
        console.press(.function(9))
        #expect(desk.calls == ["importKey card-new api_secret"])
        #expect(!console.screen.contains("s3cr3t"))
        #expect(console.screen.contains("1 missing"))
    }

    @Test func disablingAsksFirstAndNoIsTheDefault() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.select("alipay-main")
        console.press(.character("d"))
        #expect(console.screen.contains("Disable alipay-main?"))
        console.press(.enter)
        #expect(desk.calls.isEmpty, "Enter on the default answer changes nothing")
        #expect(desk.accounts.first?.enabled == true)
        console.press(.character("d"))
        console.press(.character("y"))
        #expect(desk.calls == ["setAccountEnabled alipay-main false"])
        #expect(console.screen.contains("alipay-main disabled"))
        // An incomplete account cannot be enabled: the service says what is missing.
        console.select("card-new")
        console.press(.character("d"), .character("y"))
        #expect(console.screen.contains("channel account 'card-new': missing api_secret, webhook_secret"))
    }

    @Test func testingAnAccountShowsWhatTheChannelSaid() throws {
        let console = try AdminHarness()
        console.open()
        console.select("alipay-main")
        console.press(.character("t"))
        #expect(console.screen.contains("alipay-main: credentials work"))
        #expect(console.screen.contains("trade not found' under a verified signature"))
        console.press(.enter)
        console.select("card-new")
        console.press(.character("t"))
        #expect(console.screen.contains("card-new: credentials FAIL"))
        #expect(console.screen.contains("the center's side: api_secret, webhook_secret not set"))
    }

    @Test func enterListsTheSelectedNodesActions() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.select("retail")
        console.press(.enter)
        #expect(console.screen.contains("Edit the business line"))
        console.press(.enter)
        #expect(console.screen.contains("Edit business line retail"))
        #expect(console.screen.contains("•••••• (set; type to replace)"), "the notify secret is never shown:\n\(console.screen)")
        console.press(.tab)
        console.type("alipay,paypal")
        console.press(.function(9))
        #expect(desk.calls == ["editBusinessLine retail"])
        #expect(desk.lines.first?.methods == ["alipay", "paypal"])
    }

    @Test func aLinesPaymentsAreRoutedToTheSelectedAccount() throws {
        let desk = FakeAdminDesk.sample()
        let console = try AdminHarness(desk: desk)
        console.open()
        console.select("alipay-main")
        console.press(.character("o"))
        #expect(console.screen.contains("Route to alipay-main"))
        console.press(.down, .enter)
        #expect(desk.routes == ["parking→alipay-main"])
        #expect(console.screen.contains("Route: line parking, method alipay → alipay-main"))
    }

    @Test func withoutAdminServicesTheScreenSaysSo() throws {
        let console = try AdminHarness(desk: nil)
        console.open()
        #expect(console.screen.contains("The admin screens: admin services not connected."))
    }
}

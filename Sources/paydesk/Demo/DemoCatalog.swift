import DemoTours
import Foundation
import PayConsole
import PayCore

/// The tours `paydesk demo` offers: the ones built into the binary (`demos/*.tour`), then
/// `*.tour` files of the user's directory — `$PAYDESK_DEMOS`, else `$XDG_CONFIG_HOME/paydesk/demos`,
/// else `~/.config/paydesk/demos` — which add tours or override a built-in one of the same name.
enum DemoCatalog {
    static func userDirectory(environment: [String: String]) -> String? {
        if let custom = environment["PAYDESK_DEMOS"], !custom.isEmpty { return custom }
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/paydesk/demos" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/paydesk/demos" }
        return nil
    }

    /// Every tour, built-in first in their order, then the user's by name. A user's file that
    /// does not parse is an error naming its line (tours are checked, never half-played).
    static func all(environment: [String: String]) throws(PayError) -> [Tour] {
        var tours: [Tour] = []
        for (name, text) in EmbeddedTours.all {
            tours.append(try parse(text, name: name, file: "demos/\(name).tour"))
        }
        guard let directory = userDirectory(environment: environment),
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return tours }
        for file in files.sorted() where file.hasSuffix(".tour") {
            let tour = try load(path: directory + "/" + file)
            if let index = tours.firstIndex(where: { $0.name == tour.name }) { tours[index] = tour } else { tours.append(tour) }
        }
        return tours
    }

    /// Reads and parses one tour file.
    static func load(path: String) throws(PayError) -> Tour {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PayError.notFound("tour file '\(path)': cannot be read")
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), name: name, file: path)
    }

    static func parse(_ text: String, name: String, file: String) throws(PayError) -> Tour {
        do {
            return try TourParser.parse(text, name: name, file: file)
        } catch {
            throw PayError.invalidInput(error.description)
        }
    }
}

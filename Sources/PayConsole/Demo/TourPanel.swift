import TUIKit

/// The tour panel beside the console: the list of tours, or the step on show — its narration,
/// what happens underneath, what the step did (commands, checks, clock jumps), where the screen
/// changed, a branch point's options, or where a tour stopped — and the demoer's keys.
@MainActor
struct TourPanel {
    let demo: DemoConsole

    func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        buffer.fill(area, style: theme["body"])
        buffer.box(area, style: theme["border"], title: " Guided tour ", titleStyle: theme["subtitle"], ascii: !demo.terminal.supportsUnicode)
        let inside = area.inset(1)
        guard inside.width > 4, inside.height > 2 else { return }
        let width = inside.width - 1
        let body = lines(width: width)
        let footer = hints.wrapped(toWidth: width)
        let room = max(0, inside.height - footer.count - 1)
        var shown = body
        if shown.count > room {
            // why keep the top: the narration comes first; what the step did is cut from its end.
            shown = Array(shown.prefix(max(0, room - 1))) + [("…", "hint")]
        }
        for (row, line) in shown.enumerated() {
            buffer.put(line.text, x: inside.x + 1, y: inside.y + row, style: theme[line.style], maxWidth: width)
        }
        for (row, line) in footer.enumerated() {
            buffer.put(line, x: inside.x + 1, y: inside.maxY - footer.count + row, style: theme["hint"], maxWidth: width)
        }
    }

    var hints: String {
        if demo.settings.autoplay { return "Autoplay ×\(speedText) — q quits" }
        switch demo.mode {
        case .menu: return "↑↓ Enter or 1–9 start · Ctrl-T free play · q quit"
        case .freePlay: return "Free play: keys go to the console · Ctrl-T back to the tour"
        case .touring:
            if case .choosing? = demo.player?.state { return "1–9 choose · Esc tours · Ctrl-T free play · q quit" }
            return "Enter next · Esc tours · Ctrl-T free play · q quit"
        }
    }

    var speedText: String {
        let speed = demo.settings.speed
        return speed == speed.rounded() ? String(Int(speed)) : String(speed)
    }

    func lines(width: Int) -> [(text: String, style: String)] {
        var out: [(text: String, style: String)] = []
        func add(_ text: String, _ style: String = "body", indent: String = "") {
            for (index, line) in text.wrapped(toWidth: max(1, width - indent.count)).enumerated() {
                out.append(((index == 0 ? "" : indent) + line, style))
            }
        }
        guard demo.mode != .menu, let player = demo.player else {
            add("Pick a tour: each walks through one flow of the payment center on this throwaway sandbox store.")
            out.append(("", "body"))
            for (index, tour) in demo.tours.enumerated() {
                let style = index == demo.menuIndex ? "table.cursor" : "body"
                out.append(("\(index + 1) \(tour.title)".truncated(toWidth: width).padded(toWidth: width), style))
                if index == demo.menuIndex, !tour.summary.isEmpty { add("  " + tour.summary, "hint", indent: "  ") }
            }
            return out
        }
        add(player.tour.title, "subtitle")
        switch player.state {
        case .ready:
            if !player.tour.summary.isEmpty { add(player.tour.summary) }
            out.append(("", "body"))
            add("Press Enter for the first step.", "notice")
            return out
        case .finished:
            out.append(("", "body"))
            add("Tour finished: every check held.", "status.paid")
            add("Enter or Esc for the list of tours.", "hint")
            return out
        default: break
        }
        guard let step = player.currentStep else { return out }
        add("Step \(player.stepsRun): \(step.title)", "label")
        out.append(("", "body"))
        for paragraph in step.narration { add(paragraph) }
        if !step.underneath.isEmpty {
            out.append(("", "body"))
            out.append(("Underneath", "label"))
            for paragraph in step.underneath { add("· " + paragraph, "body", indent: "  ") }
        }
        if !player.log.isEmpty {
            out.append(("", "body"))
            for line in player.log { add(line, line.hasPrefix("✗") ? "error" : line.hasPrefix("✓") ? "status.paid" : "hint", indent: "  ") }
        }
        if let region = demo.changedRegion {
            out.append(("", "body"))
            let rows = region.height == 1 ? "row \(region.y + 1)" : "rows \(region.y + 1)–\(region.maxY)"
            add(demo.changedCells.isEmpty ? "The screen changed (\(rows))." : "Marked on the screen: what changed (\(rows)).", "notice")
        }
        switch player.state {
        case .choosing:
            if let choice = step.choice {
                out.append(("", "body"))
                add(choice.prompt, "notice")
                for (index, option) in choice.options.enumerated() { add("\(index + 1) \(option.label)", "body", indent: "  ") }
            }
        case .failed(let failure):
            out.append(("", "body"))
            add("The tour stopped at step \(failure.stepNumber) (line \(failure.line)): \(failure.message)", "error")
        default: break
        }
        return out
    }
}

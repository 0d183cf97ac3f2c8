import HTTPTypes

/// The widget's three files, served from memory (no build step): the page, its script and
/// its stylesheet. Another site embeds the widget either with an iframe of the page or with
/// `<script src=".../chat/<channelId>/widget.js" data-channel="<channelId>">`; both are
/// limited to the channel's `allowedOrigins` (frame-ancestors here, the socket's Origin check).
enum ChatWidgetAssets {
    static func page(_ channel: ChatChannel) -> AdapterResponse {
        let id = html(channel.id)
        let title = html(channel.title)
        let body = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <link rel="stylesheet" href="/chat/\(id)/widget.css">
            </head>
            <body class="sb-page">
            <div id="switchboard-chat" data-title="\(title)"></div>
            <script src="/chat/\(id)/widget.js" data-channel="\(id)"></script>
            </body>
            </html>

            """
        let ancestors = (["'self'"] + channel.allowedOrigins.sorted()).joined(separator: " ")
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors \(ancestors)"
        headers[.cacheControl] = "no-cache"
        return AdapterResponse(status: .ok, contentType: "text/html; charset=utf-8", body: Array(body.utf8), headers: headers)
    }

    static let script = asset(ChatWidgetScript.source, contentType: "text/javascript; charset=utf-8")
    static let stylesheet = asset(ChatWidgetScript.stylesheet, contentType: "text/css; charset=utf-8")

    private static func asset(_ text: String, contentType: String) -> AdapterResponse {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-cache"
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { headers[nosniff] = "nosniff" }
        return AdapterResponse(status: .ok, contentType: contentType, body: Array(text.utf8), headers: headers)
    }

    /// Text for HTML content and attribute values.
    static func html(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

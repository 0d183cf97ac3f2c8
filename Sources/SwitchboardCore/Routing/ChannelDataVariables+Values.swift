extension ChannelDataVariables {
    /// The channel-data values of one inbound message by variable name (W2).
    ///
    /// The common variables come from the message's own fields (an absent display name or
    /// locale leaves its variable absent); `raw` is the adapter's channel data, whose keys
    /// are the dotted variable names of the channel type (`sms.to`, `chat.pageUrl`, ...).
    /// Raw keys cannot override the common variables.
    public static func values(
        channelID: String, channelType: String, customerAddress: String, customerDisplayName: String?,
        customerLocale: String?, raw: [String: String]
    ) -> [String: String] {
        var values = raw
        values["channel.id"] = channelID
        values["channel.type"] = channelType
        values["customer.address"] = customerAddress
        values["customer.displayName"] = customerDisplayName
        values["customer.locale"] = customerLocale
        return values
    }
}

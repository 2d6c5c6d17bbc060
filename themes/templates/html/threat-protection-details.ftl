<#macro details>
<table style="border-collapse: collapse; margin: 1em 0;">
    <tr><td style="padding: 2px 12px 2px 0;">${msg("threatProtectionDetailTime")}</td><td>${loginTime}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;">${msg("threatProtectionDetailIp")}</td><td>${ipAddress}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;">${msg("threatProtectionDetailPlace")}</td><td>${city}, ${country}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;">${msg("threatProtectionDetailDevice")}</td><td>${deviceName}</td></tr>
    <tr><td style="padding: 2px 12px 2px 0;">${msg("threatProtectionDetailEvent")}</td><td>${eventId}</td></tr>
</table>
</#macro>
<#macro links>
<p><strong>${msg("threatProtectionQuestion")}</strong></p>
<p>
    <a href="${oneClickLinkValid}">${msg("threatProtectionThisWasMe")}</a>
    &nbsp;|&nbsp;
    <a href="${oneClickLinkInvalid}">${msg("threatProtectionThisWasNotMe")}</a>
</p>
<p>${msg("threatProtectionNotMeExplained")} ${msg("threatProtectionLinksExpire", linkValidityDays)}</p>
</#macro>

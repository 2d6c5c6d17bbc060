<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg(passwordReset?then("threatProtectionBlockedResetIntro", passwordUsed?then("threatProtectionBlockedIntro", "threatProtectionBlockedSignInIntro")), username, realmName)}
<#if compromisedPassword>
${msg("threatProtectionBlockedCompromised")}
${msg("threatProtectionResetPassword")}: ${passwordResetLink}
</#if>

<@signIn.details/>

<@signIn.links/>

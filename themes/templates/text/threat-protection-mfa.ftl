<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg(passwordReset?then("threatProtectionMfaResetIntro", passwordUsed?then("threatProtectionMfaIntro", "threatProtectionMfaSignInIntro")), username, realmName)}

<@signIn.details/>

<@signIn.links/>

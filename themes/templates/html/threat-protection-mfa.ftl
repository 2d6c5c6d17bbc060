<#import "template.ftl" as layout>
<#import "threat-protection-details.ftl" as signIn>
<@layout.emailLayout>
<p>${msg(passwordReset?then("threatProtectionMfaResetIntro", passwordUsed?then("threatProtectionMfaIntro", "threatProtectionMfaSignInIntro")), username, realmName)}</p>
<@signIn.details/>
<@signIn.links/>
</@layout.emailLayout>

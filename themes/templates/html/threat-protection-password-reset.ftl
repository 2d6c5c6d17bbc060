<#import "template.ftl" as layout>
<#import "threat-protection-details.ftl" as signIn>
<@layout.emailLayout>
<p>${msg("threatProtectionPasswordResetIntro", username, realmName)}</p>
<@signIn.details/>
<@signIn.links/>
</@layout.emailLayout>

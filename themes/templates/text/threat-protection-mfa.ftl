<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg("threatProtectionMfaIntro", username, realmName)}

<@signIn.details/>

<@signIn.links/>

<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg("threatProtectionNoActionIntro", username, realmName)}

<@signIn.details/>

<@signIn.links/>

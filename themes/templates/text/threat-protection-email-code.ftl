<#ftl output_format="plainText">
${msg("threatProtectionEmailCodeMailIntro", username, realmName)}

    ${code}

${msg("threatProtectionEmailCodeMailValidity", validityMinutes)}

${msg("threatProtectionEmailCodeMailNotYou")}

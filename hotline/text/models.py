"""Chinese text: normalisation, segmentation with the deployment's dictionary, personal-data masking."""
